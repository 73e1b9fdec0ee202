import QdbProtocol

extension JSONValue {
    /// The value as Python's `repr()` would show it: watch values and
    /// locals arrive as JSON, but the user is debugging Python, so `None`,
    /// `True` and `'text'` read better than `null`, `true` and `"text"`.
    public var pythonRepr: String {
        var output = ""
        appendPythonRepr(to: &output)
        return output
    }

    private func appendPythonRepr(to output: inout String) {
        switch self {
        case .null:
            output += "None"
        case .bool(let value):
            output += value ? "True" : "False"
        case .number(let number):
            let text = switch number.text {
            case "NaN": "nan"
            case "Infinity": "inf"
            case "-Infinity": "-inf"
            default: number.text
            }
            output += text
        case .string(let string):
            output += string.pythonRepr
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += ", " }
                element.appendPythonRepr(to: &output)
            }
            output += "]"
        case .object(let object):
            output += "{"
            for (index, member) in object.members.enumerated() {
                if index > 0 { output += ", " }
                output += member.key.pythonRepr
                output += ": "
                member.value.appendPythonRepr(to: &output)
            }
            output += "}"
        }
    }
}

extension String {
    /// Python's `repr()` of a str: single quotes unless the text holds a
    /// single quote and no double quote; control characters escaped.
    public var pythonRepr: String {
        let quote: Character = contains("'") && !contains("\"") ? "\"" : "'"
        var output = String(quote)
        for scalar in unicodeScalars {
            switch scalar {
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where Character(scalar) == quote: output += "\\" + String(quote)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                output += "\\x" + hexDigits(scalar.value, count: 2)
            default: output.unicodeScalars.append(scalar)
            }
        }
        output.append(quote)
        return output
    }
}

private func hexDigits(_ value: UInt32, count: Int) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, count - digits.count)) + digits
}
