import CPython

/// What a variables view shows inside a Python value: a dict's items (named
/// by their keys' repr), a list's, tuple's or set's elements (by position),
/// and an object's attributes (its `__dict__`). Strings, numbers and None
/// have none.
struct ObjectChildren {
    private enum Kind {
        case none
        case mapping(PythonObject)
        case sequence(PythonObject)
        case attributes(PythonObject)
    }

    private let kind: Kind

    init(of value: PythonObject) {
        defer { PyErr_Clear() }
        let pointer = value.pointer
        if qdb_is_dict(pointer) != 0 {
            kind = .mapping(value)
        } else if qdb_is_list(pointer) != 0 || qdb_is_tuple(pointer) != 0 {
            kind = .sequence(value)
        } else if qdb_is_unicode(pointer) != 0 || qdb_is_long(pointer) != 0 || qdb_is_float(pointer) != 0
            || qdb_is_none(pointer) != 0 || Self.isScalar(value) {
            kind = .none
        } else if Self.isSet(value), let elements = try? PythonObject.builtin("list").call(value) {
            kind = .sequence(elements)
        } else if let attributes = try? value.attribute("__dict__"), qdb_is_dict(attributes.pointer) != 0 {
            kind = .attributes(attributes)
        } else {
            kind = .none
        }
    }

    /// A namespace (a frame's locals or globals): its names are text.
    init(namespace: PythonObject) {
        kind = qdb_is_dict(namespace.pointer) != 0 ? .attributes(namespace) : .none
    }

    var count: Int {
        switch kind {
        case .none: 0
        case .mapping(let dict), .attributes(let dict): max(0, PyDict_Size(dict.pointer))
        case .sequence(let items): max(0, PySequence_Size(items.pointer))
        }
    }

    /// The children at `positions` (clamped to those that exist).
    func children(in positions: Range<Int>) -> [(name: String, value: PythonObject)] {
        let positions = positions.clamped(to: 0..<count)
        switch kind {
        case .none:
            return []
        case .mapping(let dict):
            return dict.dictionaryItems[positions].map { ($0.0.reprText, $0.1) }
        case .attributes(let dict):
            return dict.dictionaryItems[positions].map { ($0.0.stringValue ?? $0.0.reprText, $0.1) }
        case .sequence(let items):
            return positions.compactMap { position in
                guard let item = PySequence_GetItem(items.pointer, position) else {
                    PyErr_Clear()
                    return nil
                }
                return (String(position), PythonObject(owning: item))
            }
        }
    }

    func child(at position: Int) -> PythonObject? {
        children(in: position..<position + 1).first?.value
    }

    private static func isSet(_ value: PythonObject) -> Bool {
        ["set", "frozenset"].contains { (try? value.isInstance(of: PythonObject.builtin($0))) == true }
    }

    /// Values whose `__dict__`, if any, is not what a user looks into.
    private static func isScalar(_ value: PythonObject) -> Bool {
        ["bytes", "bytearray", "complex"].contains { (try? value.isInstance(of: PythonObject.builtin($0))) == true }
    }
}
