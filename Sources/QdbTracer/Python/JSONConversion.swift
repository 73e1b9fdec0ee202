import CPython
import QdbProtocol

/// Converting between Python objects and JSON, the way the original's
/// `json.dumps` saw values, except that what JSON cannot encode becomes its
/// `repr()` text instead of killing the program (protocol.md [fix]).
enum JSONConversion {
    /// Deeper structures are shown as their repr, as are cyclic ones.
    static let maximumDepth = 64

    /// `value` as JSON: None, bool, int, float, str, and lists, tuples and
    /// dicts of those (dict keys as json.dumps converts them); anything else,
    /// or anything containing something else, as `repr(value)`.
    static func json(from value: PythonObject) -> JSONValue {
        encode(value.pointer, depth: 0) ?? .string(value.reprText)
    }

    private static func encode(_ object: PyPointer, depth: Int) -> JSONValue? {
        guard depth < maximumDepth else { return nil }
        if qdb_is_none(object) != 0 { return .null }
        if qdb_is_bool(object) != 0 { return .bool(object == qdb_true()) }
        if qdb_is_long(object) != 0 {
            // int.__repr__ rather than repr(): IntEnum members encode as numbers.
            guard let digits = try? PythonObject.result(PyNumber_ToBase(object, 10)).stringValue else {
                PyErr_Clear()
                return nil
            }
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
            return PythonObject(borrowing: object).stringValue.map(JSONValue.string)
        }
        if qdb_is_list(object) != 0 || qdb_is_tuple(object) != 0 {
            guard let sequence = try? PythonObject.result(PySequence_Fast(object, "")) else {
                PyErr_Clear()
                return nil
            }
            var elements: [JSONValue] = []
            for index in 0..<PySequence_Size(sequence.pointer) {
                guard let item = PySequence_GetItem(sequence.pointer, index) else {
                    PyErr_Clear()
                    return nil
                }
                defer { qdb_decref(item) }
                guard let element = encode(item, depth: depth + 1) else { return nil }
                elements.append(element)
            }
            return .array(elements)
        }
        if qdb_is_dict(object) != 0 {
            var members: [(String, JSONValue)] = []
            var position = 0
            var key: PyPointer?
            var value: PyPointer?
            while PyDict_Next(object, &position, &key, &value) != 0 {
                guard let key, let value, let name = keyText(key),
                      let element = encode(value, depth: depth + 1)
                else { return nil }
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
        guard qdb_is_none(key) != 0 || qdb_is_bool(key) != 0 || qdb_is_long(key) != 0 || qdb_is_float(key) != 0,
              let scalar = encode(key, depth: maximumDepth - 1)
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
