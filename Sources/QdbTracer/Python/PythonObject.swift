import CPython

public typealias PyPointer = UnsafeMutablePointer<PyObject>

/// An owned reference to a Python object, released when the wrapper dies.
///
/// Swift may release an object right after its last use, and reading
/// `pointer` can be that last use: a C call given `temporary.pointer` may
/// get a freed object. So `pointer` goes to C only from objects something
/// else keeps alive (`self` in a method, a parameter, a stored property);
/// locals and temporaries go through `withExtendedLifetime`.
///
/// Every use, including the release in `deinit`, happens with the GIL held:
/// the tracer only runs Python code from the trace hook, from `_qdb`
/// functions Python called, or after `PythonGIL.withLock`. The GIL
/// serialises all access, which is why sharing the wrapper across threads is
/// safe despite the `@unchecked Sendable`.
public final class PythonObject: @unchecked Sendable {
    public let pointer: PyPointer

    /// Takes over a new reference.
    public init(owning pointer: PyPointer) {
        self.pointer = pointer
    }

    /// Adds a reference to a borrowed one.
    public init(borrowing pointer: PyPointer) {
        qdb_incref(pointer)
        self.pointer = pointer
    }

    /// Takes over the result of a C API call that returns a new reference or
    /// NULL with an exception set.
    public static func result(_ pointer: PyPointer?) throws(PythonError) -> PythonObject {
        guard let pointer else { throw PythonError.fetch() }
        return PythonObject(owning: pointer)
    }

    deinit {
        qdb_decref(pointer)
    }

    /// A new reference for C APIs that steal one.
    public func newReference() -> PyPointer {
        qdb_incref(pointer)
        return pointer
    }

    public static var none: PythonObject { PythonObject(borrowing: qdb_none()) }

    public var isNone: Bool { qdb_is_none(pointer) != 0 }

    // MARK: Attributes and calls

    public func attribute(_ name: String) throws(PythonError) -> PythonObject {
        try .result(PyObject_GetAttrString(pointer, name))
    }

    public func setAttribute(_ name: String, _ value: PythonObject) throws(PythonError) {
        if PyObject_SetAttrString(pointer, name, value.pointer) != 0 {
            throw PythonError.fetch()
        }
    }

    public func call(_ arguments: PythonObject...) throws(PythonError) -> PythonObject {
        try call(arguments: arguments)
    }

    public func call(arguments: [PythonObject], keywords: [(String, PythonObject)] = []) throws(PythonError) -> PythonObject {
        let tuple = try PythonObject.tuple(arguments)
        let dictionary = keywords.isEmpty ? nil : PythonObject.dictionary()
        for (key, value) in keywords {
            try dictionary?.setItem(key, value)
        }
        defer { withExtendedLifetime((tuple, dictionary)) {} }
        return try .result(PyObject_Call(pointer, tuple.pointer, dictionary?.pointer))
    }

    public func callMethod(_ name: String, _ arguments: PythonObject...) throws(PythonError) -> PythonObject {
        try attribute(name).call(arguments: arguments)
    }

    // MARK: Items

    public func item(_ key: String) -> PythonObject? {
        // PyDict_GetItemString returns a borrowed reference and no error.
        PyDict_GetItemString(pointer, key).map(PythonObject.init(borrowing:))
    }

    public func setItem(_ key: String, _ value: PythonObject) throws(PythonError) {
        // Any mapping: a dict, or 3.13's frame locals proxy.
        if PyMapping_SetItemString(pointer, key, value.pointer) != 0 {
            throw PythonError.fetch()
        }
    }

    public func deleteItem(_ key: String) {
        if PyDict_DelItemString(pointer, key) != 0 {
            PyErr_Clear()
        }
    }

    // MARK: Text

    /// `str(self)`, or a placeholder when `__str__` raises: the debugger
    /// shows something rather than failing.
    public var text: String {
        (try? PythonObject.result(PyObject_Str(pointer)).stringValue) ?? fallbackText
    }

    /// `repr(self)`, with the same fallback.
    public var reprText: String {
        (try? PythonObject.result(PyObject_Repr(pointer)).stringValue) ?? fallbackText
    }

    private var fallbackText: String {
        PyErr_Clear()
        return "<unprintable \(typeName) object>"
    }

    /// The object as a Swift string when it is a `str`.
    public var stringValue: String? {
        guard qdb_is_unicode(pointer) != 0 else { return nil }
        var size = 0
        guard let utf8 = PyUnicode_AsUTF8AndSize(pointer, &size) else {
            // Lone surrogates cannot be encoded: go through 'replace'.
            PyErr_Clear()
            guard let bytes = PyUnicode_AsEncodedString(pointer, "utf-8", "surrogatepass") else {
                PyErr_Clear()
                return nil
            }
            defer { qdb_decref(bytes) }
            return String(decoding: UnsafeRawBufferPointer(
                start: PyBytes_AsString(bytes), count: PyBytes_Size(bytes)), as: UTF8.self)
        }
        return String(decoding: UnsafeRawBufferPointer(start: utf8, count: size), as: UTF8.self)
    }

    /// `type(self).__name__`.
    public var typeName: String {
        let type = UnsafeMutableRawPointer(qdb_type(pointer)).assumingMemoryBound(to: PyObject.self)
        return (try? PythonObject(borrowing: type).attribute("__name__").stringValue) ?? "object"
    }

    public var isTrue: Bool {
        get throws(PythonError) {
            let result = PyObject_IsTrue(pointer)
            if result < 0 { throw PythonError.fetch() }
            return result == 1
        }
    }

    // MARK: Construction

    public convenience init(_ string: String) {
        // Swift strings are valid UTF-8, so this cannot fail short of memory.
        self.init(owning: PyUnicode_FromStringAndSize(string, string.utf8.count))
    }

    public convenience init(_ value: Int) {
        self.init(owning: PyLong_FromLong(value))
    }

    public convenience init(_ value: Bool) {
        self.init(owning: qdb_new_bool(value ? 1 : 0))
    }

    public static func dictionary() -> PythonObject {
        PythonObject(owning: PyDict_New())
    }

    public static func tuple(_ items: [PythonObject]) throws(PythonError) -> PythonObject {
        let tuple = try PythonObject.result(PyTuple_New(items.count))
        for (index, item) in items.enumerated() {
            PyTuple_SetItem(tuple.pointer, index, item.newReference())
        }
        return tuple
    }

    public static func list(_ items: [PythonObject]) throws(PythonError) -> PythonObject {
        let list = try PythonObject.result(PyList_New(0))
        for item in items where PyList_Append(list.pointer, item.pointer) != 0 {
            throw PythonError.fetch()
        }
        return list
    }

    public static func importModule(_ name: String) throws(PythonError) -> PythonObject {
        try .result(PyImport_ImportModule(name))
    }

    /// A builtin such as `compile`, `eval`, `exec`, `repr`.
    public static func builtin(_ name: String) throws(PythonError) -> PythonObject {
        try importModule("builtins").attribute(name)
    }
}

extension PythonObject: Equatable {
    /// Identity, as Python's `is`.
    public static func == (lhs: PythonObject, rhs: PythonObject) -> Bool {
        lhs.pointer == rhs.pointer
    }
}

extension PythonObject {
    /// The items of a list, tuple or other sequence (new references).
    var sequenceItems: [PythonObject] {
        let count = PySequence_Size(pointer)
        guard count >= 0 else {
            PyErr_Clear()
            return []
        }
        return (0..<count).compactMap { index in
            guard let item = PySequence_GetItem(pointer, index) else {
                PyErr_Clear()
                return nil
            }
            return PythonObject(owning: item)
        }
    }

    /// The key/value pairs of a dict, in order.
    var dictionaryItems: [(PythonObject, PythonObject)] {
        guard qdb_is_dict(pointer) != 0 else { return [] }
        var items: [(PythonObject, PythonObject)] = []
        var position = 0
        var key: PyPointer?
        var value: PyPointer?
        while PyDict_Next(pointer, &position, &key, &value) != 0 {
            if let key, let value {
                items.append((PythonObject(borrowing: key), PythonObject(borrowing: value)))
            }
        }
        return items
    }

    /// The object as an `Int` when it is an int that fits.
    var intValue: Int? {
        guard qdb_is_long(pointer) != 0 else { return nil }
        let value = PyLong_AsLong(pointer)
        if value == -1, PyErr_Occurred() != nil {
            PyErr_Clear()
            return nil
        }
        return value
    }

    /// The object as a `Double` when it is a real number.
    var doubleValue: Double? {
        let value = PyFloat_AsDouble(pointer)
        if value == -1, PyErr_Occurred() != nil {
            PyErr_Clear()
            return nil
        }
        return value
    }

    func isInstance(of type: PythonObject) throws(PythonError) -> Bool {
        let result = PyObject_IsInstance(pointer, type.pointer)
        if result < 0 { throw PythonError.fetch() }
        return result == 1
    }

    /// Makes this object `sys.<name>` (stdout, stderr).
    func installAsSystemStream(_ name: String) {
        PySys_SetObject(name, pointer)
    }
}
