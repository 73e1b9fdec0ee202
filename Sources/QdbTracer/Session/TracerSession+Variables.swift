import CPython
import QdbProtocol

/// The `variables` extension: the children of a frame's locals or
/// globals, or of an expression's value, followed down a path of
/// positions, a page at a time.
extension TracerSession {
    func variables(_ payload: JSONValue) -> Event {
        guard let request = VariablesRequest(json: payload) else {
            return .error(ErrorInfo(
                type: "variables", "variables: expected {\"frame\", \"scope\" or \"expression\", \"path\", \"start\", \"count\"}"))
        }
        guard let stop = currentStop else { return .error(ErrorInfo(type: "variables", "Not stopped")) }
        let index = request.frame ?? stop.stack.index
        guard stop.stack.entries.indices.contains(index) else {
            return .error(ErrorInfo(type: "variables", "No frame \(index)"))
        }
        let frame = stop.stack.entries[index].frame
        defer { PyErr_Clear() }
        var children: ObjectChildren
        switch request.root {
        case .locals:
            guard let locals = try? frame.localsSnapshot() else { return .error(ErrorInfo(type: "variables", "No locals")) }
            children = ObjectChildren(namespace: locals)
        case .globals:
            children = ObjectChildren(namespace: frame.globals)
        case .expression(let expression):
            switch evaluator.value(of: expression, in: frame, applyingReprFunction: false) {
            case .success(let value): children = ObjectChildren(of: value)
            case .failure(let failure): return .error(ErrorInfo(type: "variables", failure.output))
            }
        }
        for position in request.path {
            guard let child = children.child(at: position) else {
                return .error(ErrorInfo(type: "variables", "No child \(position): the value changed"))
            }
            children = ObjectChildren(of: child)
        }
        let end = request.count.map { request.start + $0 } ?? Int.max
        let page = children.children(in: request.start..<max(request.start, end)).map { name, child in
            Variable(
                name: name, value: JSONConversion.abbreviatedRepr(child), type: child.typeName,
                children: ObjectChildren(of: child).count)
        }
        return .variables(VariablesReply(request: payload, total: children.count, variables: page))
    }
}
