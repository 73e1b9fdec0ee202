/// What a launcher (`qdb-cli run`, qdb-dap's `launch`) runs under the
/// tracer: a script, or a library module run as `python -m` runs it.
public enum ProgramTarget: Hashable, Sendable {
    case script(String)
    case module(String)

    /// How `python -m qdb` is told: the script's path, or `-m` and the
    /// module's name.
    public var runnerArguments: [String] {
        switch self {
        case .script(let path): [path]
        case .module(let name): ["-m", name]
        }
    }

    /// The script's path or the module's name.
    public var name: String {
        switch self {
        case .script(let path): path
        case .module(let name): name
        }
    }
}
