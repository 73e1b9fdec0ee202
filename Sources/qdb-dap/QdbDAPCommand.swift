import ArgumentParser

/// `qdb-dap`: the Debug Adapter Protocol for editors, on standard input
/// and output, or on a TCP port.
@main
struct QdbDAPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qdb-dap",
        abstract: "The qdb debug adapter: speaks the Debug Adapter Protocol to an editor.",
        version: "0.1.0")

    @Option(help: ArgumentHelp("Wait for one editor on this port of 127.0.0.1 instead of using standard input and output.", valueName: "PORT"))
    var port: Int?

    func run() async throws {
        let editor = try port.map(EditorChannel.accepting(onPort:)) ?? .standard
        var loop = AdapterLoop(editor: editor)
        await loop.run()
    }
}
