import CPython
import QdbProtocol

/// Converting between Python objects and JSON, the way the original's
/// `json.dumps` saw values, except that what JSON cannot encode becomes its
/// `repr()` text instead of killing the program (docs/protocol.md, marked "(qdb)").
enum JSONConversion {
    /// Deeper structures are shown as their repr, as are cyclic ones.
    static let maximumDepth = 64
    /// Roughly how many bytes of JSON one value may take: a message must
    /// stay well below the server's frame limit (16 MiB by default), so
    /// bigger values are shown abbreviated (reprlib) instead.
    static let maximumSize = 1 << 20

    /// `value` as JSON: None, bool, int, float, str, and lists, tuples and
    /// dicts of those (dict keys as json.dumps converts them); anything else,
    /// or anything containing something else, as `repr(value)`; anything
    /// too big, as an abbreviated repr.
    static func json(from value: PythonObject) -> JSONValue {
        var budget = maximumSize
        if let json = encode(value.pointer, depth: 0, budget: &budget) {
            return json
        }
        return .string(budget < 0 ? abbreviatedRepr(value) : limited(value.reprText))
    }

    /// `text`, cut to `maximumSize` characters with a note of what was cut.
    static func limited(_ text: String) -> String {
        guard text.utf8.count > maximumSize else { return text }
        let kept = text.prefix(maximumSize / 4)
        return kept + "... (\(text.count - kept.count) more characters)"
    }

    /// `repr(value)` cut down by `reprlib` (50 items a container, 1000
    /// characters a string), for values that may be huge.
    static func abbreviatedRepr(_ value: PythonObject) -> String {
        do {
            let repr = try PythonObject.importModule("reprlib").callMethod("Repr")
            for (limit, size) in [("maxlevel", 4), ("maxlist", 50), ("maxtuple", 50), ("maxdict", 50), ("maxset", 50),
                                  ("maxfrozenset", 50), ("maxdeque", 50), ("maxarray", 50), ("maxstring", 1000),
                                  ("maxlong", 1000), ("maxother", 1000)] {
                try repr.setAttribute(limit, PythonObject(size))
            }
            return try repr.callMethod("repr", value).stringValue ?? "..."
        } catch {
            return limited(value.reprText)
        }
    }

    private static func encode(_ object: PyPointer, depth: Int, budget: inout Int) -> JSONValue? {
        guard depth < maximumDepth, budget >= 0 else { return nil }
        budget -= 8
        if qdb_is_none(object) != 0 { return .null }
        if qdb_is_bool(object) != 0 { return .bool(object == qdb_true()) }
        if qdb_is_long(object) != 0 {
            // int.__repr__ rather than repr(): IntEnum members encode as numbers.
            guard let digits = try? PythonObject.result(PyNumber_ToBase(object, 10)).stringValue else {
                PyErr_Clear()
                return nil
            }
            budget -= digits.utf8.count
            return JSONNumber(literal: digits).map(JSONValue.number)
        }
        if qdb_is_float(object) != 0 {
            // float.__repr__ is valid JSON for finite values ("1.0", "1e+16").
            guard PyFloat_AsDouble(object).isFinite,
                  let text = try? PythonObject.result(qdb_float_repr(object)).stringValue
            else { return nil }
            return JSONNumber(literal: text).map(JSONValue.number)
        }
        if qdb_is_unicode(object) != 0 {
            budget -= PyUnicode_GetLength(object)
            return budget < 0 ? nil : PythonObject(borrowing: object).stringValue.map(JSONValue.string)
        }
        if qdb_is_list(object) != 0 || qdb_is_tuple(object) != 0 {
            var elements: [JSONValue] = []
            guard PyObject_Size(object) < budget / 8 else {
                budget = -1
                return nil
            }
            for item in PythonObject(borrowing: object).sequenceItems {
                guard let element = encode(item.pointer, depth: depth + 1, budget: &budget) else { return nil }
                elements.append(element)
            }
            return .array(elements)
        }
        if qdb_is_dict(object) != 0 {
            guard PyObject_Size(object) < budget / 8 else {
                budget = -1
                return nil
            }
            var members: [(String, JSONValue)] = []
            for (key, value) in PythonObject(borrowing: object).dictionaryItems {
                guard let name = keyText(key.pointer),
                      let element = encode(value.pointer, depth: depth + 1, budget: &budget)
                else { return nil }
                budget -= name.utf8.count
                members.append((name, element))
            }
            return .object(JSONObject(members))
        }
        return nil
    }

    /// Dict keys as json.dumps writes them: strings as they are; numbers,
    /// booleans and None as their JSON text; other keys make the dict
    /// unencodable.
    private static func keyText(_ key: PyPointer) -> String? {
        if qdb_is_unicode(key) != 0 { return PythonObject(borrowing: key).stringValue }
        var budget = maximumSize
        guard qdb_is_none(key) != 0 || qdb_is_bool(key) != 0 || qdb_is_long(key) != 0 || qdb_is_float(key) != 0,
              let scalar = encode(key, depth: maximumDepth - 1, budget: &budget)
        else { return nil }
        return scalar.serialized()
    }

    /// The Python object for a JSON value: the reverse of `json.loads`.
    static func object(from json: JSONValue) -> PythonObject {
        switch json {
        case .null:
            return .none
        case .bool(let value):
            return PythonObject(value)
        case .number(let number):
            if number.isInteger, let value = number.intValue {
                return PythonObject(value)
            }
            if number.isInteger {
                return (try? .result(PyLong_FromString(number.text, nil, 10))) ?? .none
            }
            return PythonObject(owning: PyFloat_FromDouble(number.doubleValue))
        case .string(let value):
            return PythonObject(value)
        case .array(let elements):
            return (try? .list(elements.map(object(from:)))) ?? .none
        case .object(let members):
            let dictionary = PythonObject.dictionary()
            for member in members.members {
                try? dictionary.setItem(member.key, object(from: member.value))
            }
            return dictionary
        }
    }

    /// Python's `repr()` of a JSON value decoded the way the original did:
    /// how error messages quote a payload ("Could not read Breakpoint from
    /// {'line': 4}").
    static func pythonRepr(_ json: JSONValue) -> String {
        object(from: json).reprText
    }
}
