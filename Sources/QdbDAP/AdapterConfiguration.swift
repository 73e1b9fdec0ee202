import QdbClientSession
import QdbProtocol

/// `launch`'s arguments: a script (`program`) or a module (`module`, as
/// debugpy takes it) run under qdb, as `qdb-cli run` runs it.
public struct LaunchConfiguration: Hashable, Sendable {
    public var target: ProgramTarget
    public var arguments: [String]
    /// The program's working directory; the adapter's when nil.
    public var directory: String?
    /// Added to the adapter's environment.
    public var environment: [String: String]
    /// A python with the qdb package, instead of qdb-python.
    public var python: String?
    public var stopsOnEntry: Bool

    init(_ json: JSONValue) throws(ConfigurationError) {
        switch (try Self.string(json, "program"), try Self.string(json, "module")) {
        case (let program?, nil):
            guard !program.isEmpty else { throw ConfigurationError("launch: \"program\" must not be empty") }
            target = .script(program)
        case (nil, let module?):
            guard !module.isEmpty else { throw ConfigurationError("launch: \"module\" must not be empty") }
            target = .module(module)
        case (nil, nil):
            throw ConfigurationError("launch: \"program\" (a script) or \"module\" is required")
        case (_?, _?):
            throw ConfigurationError("launch: give \"program\" or \"module\", not both")
        }
        let arguments = json["args"]?.nonNull?.arrayValue ?? []
        self.arguments = arguments.compactMap(\.stringValue)
        guard self.arguments.count == arguments.count else {
            throw ConfigurationError("launch: \"args\" must be a list of strings")
        }
        directory = try Self.string(json, "cwd")
        python = try Self.string(json, "python")
        var environment: [String: String] = [:]
        for member in json["env"]?.nonNull?.objectValue?.members ?? [] {
            guard let value = member.value.stringValue else {
                throw ConfigurationError("launch: \"env\" must map names to strings")
            }
            environment[member.key] = value
        }
        self.environment = environment
        stopsOnEntry = json["stopOnEntry"]?.boolValue ?? false
    }

    static func string(_ json: JSONValue, _ key: String) throws(ConfigurationError) -> String? {
        switch json[key] {
        case .string(let text)?: return text
        case nil, .null?: return nil
        default: throw ConfigurationError("\"\(key)\" must be a string")
        }
    }
}

/// `attach`'s arguments: a session already running on a qdb server, as
/// `qdb-cli attach` takes them; or, with `processId` (debugpy's name), a
/// running python program, as `qdb-cli attach --pid` takes it.
public struct AttachConfiguration: Hashable, Sendable {
    /// The WebSocket address; `{uuid}` in it stands for `uuid`.
    public var url: String
    public var uuid: String
    public var authMessage: String
    public var processID: Int32?

    init(_ json: JSONValue) throws(ConfigurationError) {
        url = try LaunchConfiguration.string(json, "url") ?? "ws://localhost:8002/{uuid}"
        uuid = try LaunchConfiguration.string(json, "uuid") ?? "qdb"
        authMessage = try LaunchConfiguration.string(json, "auth") ?? ""
        switch json["processId"] {
        case nil, .null?:
            processID = nil
        case let value?:
            // Editors send it as a number, or as the string a process
            // picker (`${command:pickProcess}`) gives.
            guard let number = value.intValue ?? value.stringValue.flatMap({ Int($0) }), number > 0,
                  let pid = Int32(exactly: number)
            else {
                throw ConfigurationError("attach: \"processId\" must be a process id")
            }
            processID = pid
        }
    }
}

struct ConfigurationError: Error {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}
