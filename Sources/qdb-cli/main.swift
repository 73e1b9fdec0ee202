import ArgumentParser
import QdbClient

#if canImport(Glibc)
import Glibc
#endif

/// `qdb-cli`: attach to a debugging session on a qdb server.
@main
struct QdbCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qdb-cli",
        abstract: "The qdb terminal client: attach to a debugging session on a qdb server.",
        version: "0.1.0")

    @Option(
        name: [.customShort("w"), .customLong("ws-address")],
        help: ArgumentHelp("The websocket address format string, containing {uuid}.", valueName: "ADDR-FMT"))
    var wsAddress = "ws://localhost:8002/{uuid}"

    @Option(
        name: [.customShort("u"), .long],
        help: ArgumentHelp("The session uuid that you wish to connect to.", valueName: "UUID"))
    var uuid = "qdb"

    @Option(
        name: [.customShort("a"), .customLong("auth-msg")],
        help: ArgumentHelp("The authentication message to send with the start event.", valueName: "AUTH-MSG"))
    var authMessage = ""

    func run() async throws {
        let exit: ClientExit
        do {
            let address = try WebSocketAddress(format: wsAddress, uuid: uuid)
            exit = await TerminalClient.run(ClientOptions(address: address, uuid: uuid, authMessage: authMessage))
        } catch {
            exit = .failed(error)
        }
        if let message = exit.message {
            writeAll("qdb-cli: \(message)\n", to: STDERR_FILENO)
        }
        throw ExitCode(exit.status)
    }
}
