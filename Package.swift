// swift-tools-version:6.1
import PackageDescription

import Foundation

// The CPython qdb is built for: `$QDB_PYTHON` (an interpreter's path or
// name), by default `python3` on PATH. Its headers and libraries come from
// its own sysconfig; each interpreter gets its own build folder
// (`--scratch-path`, see the Makefile), because the tracer is compiled
// against that version's C API.
struct Python {
    let version: String
    let include: String
    /// libpythonX.Y.a, when the interpreter has one that links.
    let staticLibrary: String?
    let libraryDirectory: String
    let sharedLibrary: String
    /// What a static libpython needs beside it (-lm, -lexpat, ...).
    let staticDependencies: [String]

    static func fromEnvironment() -> Python {
        let interpreter = ProcessInfo.processInfo.environment["QDB_PYTHON"] ?? "python3"
        let query = """
            import os, sys, sysconfig
            v = sysconfig.get_config_var
            static = os.path.join(v('LIBPL') or '', v('LIBRARY') or '')
            print('%d.%d' % sys.version_info[:2])
            print(sysconfig.get_paths()['include'])
            # 3.14's static library leaves out the HACL* hashes that its
            # built-in modules need (seen with Debian's 3.14.10).
            usable = os.path.isfile(static) and sys.version_info < (3, 14)
            print(static if usable else '')
            print(v('LIBDIR'))
            print(v('LDLIBRARY'))
            print(' '.join(v(k) or '' for k in ('MODLIBS', 'LIBS', 'SYSLIBS')))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [interpreter, "-c", query]
        let pipe = Pipe()
        process.standardOutput = pipe
        do {
            try process.run()
        } catch {
            fatalError("qdb: cannot run \(interpreter) (set QDB_PYTHON): \(error)")
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
        guard process.terminationStatus == 0, lines.count >= 6 else {
            fatalError("qdb: \(interpreter) did not describe itself (set QDB_PYTHON to a CPython 3.11+)")
        }
        return Python(
            version: lines[0], include: lines[1], staticLibrary: lines[2].isEmpty ? nil : lines[2],
            libraryDirectory: lines[3], sharedLibrary: lines[4],
            staticDependencies: lines[5].split(separator: " ").map(String.init).filter { $0.hasPrefix("-l") })
    }

    var minorVersion: Int { Int(version.split(separator: ".").last ?? "") ?? 0 }

    /// For every Swift target that imports the CPython module: its headers,
    /// and which tracing backend the glue compiles (Sources/QdbTracer/Python).
    var swiftSettings: [SwiftSetting] {
        [.unsafeFlags(["-Xcc", "-I" + include])]
            + (minorVersion >= 12 ? [.define("PYTHON_MONITORING")] : [])
    }

    /// Embedding the interpreter (qdb-python, the tracer's tests). The
    /// static library where there is one: the shared one is
    /// position-independent code and ran measurably slower embedded.
    /// Non-PIE and --export-dynamic so that C extension modules loaded at
    /// run time find the interpreter's symbols in the executable; the whole
    /// archive, as those modules need parts of the interpreter nothing else
    /// refers to (_contextvars needs PyContextVar_Type). ld.bfd keeps the
    /// library's hot/cold code layout (gold measured 1.2x slower on calls,
    /// and its copy relocations made the dynamic loader warn about
    /// libswiftCore.so). Not -static-stdlib: its link arguments hide every
    /// static library's symbols (--exclude-libs ALL), libpython's included.
    var embedding: [LinkerSetting] {
        guard let staticLibrary else {
            let name = sharedLibrary.replacingOccurrences(of: "lib", with: "", options: .anchored)
                .components(separatedBy: ".so").first ?? sharedLibrary
            return [.unsafeFlags([
                "-L" + libraryDirectory, "-l" + name, "-Xlinker", "-rpath", "-Xlinker", libraryDirectory,
            ])]
        }
        return [.unsafeFlags([
            "-use-ld=bfd",
            "-Xclang-linker", "-no-pie",
            "-Xlinker", "--export-dynamic",
            // One -Xlinker each, so that the driver keeps them in this order.
            "-Xlinker", "--whole-archive",
            "-Xlinker", staticLibrary,
            "-Xlinker", "--no-whole-archive",
        ] + Array(Set(staticDependencies + ["-ldl", "-lm", "-lutil", "-lpthread"])).sorted())]
    }
}

let python = Python.fromEnvironment()

let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOHTTP1", package: "swift-nio"),
    .product(name: "NIOWebSocket", package: "swift-nio"),
]
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")

let package = Package(
    name: "qdb",
    products: [
        .executable(name: "qdb-server", targets: ["qdb-server"]),
        .executable(name: "qdb-python", targets: ["qdb-python"]),
        .executable(name: "qdb-cli", targets: ["qdb-cli"]),
        .executable(name: "qdb-dap", targets: ["qdb-dap"]),
        // The `_qdb` extension module for a user's own python3; built with
        // `-Xswiftc -static-stdlib` by `make install` (see Makefile).
        .library(name: "_qdb", type: .dynamic, targets: ["QdbTracer"]),

        // The server's load generator, for its benchmark (bench/server.sh).
        .executable(name: "qdb-loadgen", targets: ["qdb-loadgen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    ],
    targets: [
        // C APIs.
        .systemLibrary(name: "CPython", path: "Sources/CPython"),
        .systemLibrary(name: "CLibedit", path: "Sources/CLibedit"),

        // What all three parts share: messages, payloads, framing, JSON.
        .target(name: "QdbProtocol"),
        // What every client knows of a session, as a state machine with no
        // I/O: requests in, messages out, replies matched, how it ended.
        .target(name: "QdbClientSession", dependencies: ["QdbProtocol"]),
        // The text interface: the command language (a typed line -> protocol
        // messages) and the rendering of events as text. No I/O.
        .target(name: "QdbConsole", dependencies: ["QdbProtocol", "QdbClientSession"]),
        // A client's WebSocket connection to a server (NIO).
        .target(name: "QdbConnection", dependencies: ["QdbProtocol", "QdbClientSession"] + nio),
        // `qdb-cli run` and an adapter's launch: a private server and the
        // program under qdb. The only client-side code that links the server.
        .target(
            name: "QdbLauncher",
            dependencies: ["QdbProtocol", "QdbClientSession", "QdbConnection", "QdbServer", logging]),

        // The Debug Adapter Protocol for editors: framing, and a state
        // machine from DAP requests to a client session. No I/O.
        .target(name: "QdbDAP", dependencies: ["QdbProtocol", "QdbClientSession"]),
        .target(name: "QdbServer", dependencies: ["QdbProtocol", logging] + nio),
        .target(
            name: "QdbTracer", dependencies: ["QdbProtocol", "QdbClientSession", "QdbConsole", "CPython"],
            swiftSettings: python.swiftSettings),
        // qdb-cli's terminal: lines read with libedit, a session's text.
        .target(
            name: "QdbTerminal",
            dependencies: ["QdbProtocol", "QdbClientSession", "QdbConsole", "QdbConnection", "CLibedit"] + nio),

        .executableTarget(name: "qdb-server", dependencies: ["QdbServer", argumentParser, logging]),
        .executableTarget(
            name: "qdb-python", dependencies: ["QdbTracer"], swiftSettings: python.swiftSettings,
            linkerSettings: python.embedding),
        .executableTarget(
            name: "qdb-cli",
            dependencies: ["QdbTerminal", "QdbLauncher", "QdbClientSession", "QdbConnection", "QdbProtocol", argumentParser]),

        .executableTarget(
            name: "qdb-dap",
            dependencies: ["QdbDAP", "QdbLauncher", "QdbClientSession", "QdbConnection", "QdbProtocol", argumentParser]),

        // The server's load generator (bench/server.sh).
        .executableTarget(name: "qdb-loadgen", dependencies: ["QdbProtocol", "QdbServer", argumentParser] + nio),

        // Helpers for tests: processes, raw protocol peers, ports.
        .target(name: "QdbTestSupport", dependencies: ["QdbProtocol"], path: "Tests/QdbTestSupport"),

        .testTarget(name: "QdbProtocolTests", dependencies: ["QdbProtocol"]),
        .testTarget(name: "QdbClientSessionTests", dependencies: ["QdbClientSession", "QdbProtocol"]),
        .testTarget(name: "QdbDAPTests", dependencies: ["QdbDAP", "QdbClientSession", "QdbProtocol"]),
        .testTarget(name: "QdbConsoleTests", dependencies: ["QdbConsole", "QdbClientSession", "QdbProtocol"]),
        .testTarget(name: "QdbServerTests", dependencies: ["QdbServer", "QdbTestSupport"] + nio),
        .testTarget(
            name: "QdbTracerTests", dependencies: ["QdbTracer", "QdbProtocol", "CPython", "QdbTestSupport"],
            swiftSettings: python.swiftSettings, linkerSettings: python.embedding),
        .testTarget(name: "QdbConnectionTests", dependencies: ["QdbConnection", "QdbClientSession", "QdbProtocol"] + nio),
        .testTarget(name: "QdbTerminalTests", dependencies: ["QdbTerminal", "QdbClientSession", "QdbConsole", "QdbProtocol", "QdbTestSupport"]),
        .testTarget(
            name: "EndToEndTests", dependencies: ["QdbProtocol", "QdbTestSupport"],
            exclude: ["Fixtures", "ClientFixtures", "DAPFixtures", "Emacs"]),
    ]
)
