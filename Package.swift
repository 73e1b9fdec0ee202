// swift-tools-version:6.1
import PackageDescription

// Debian's static libpython (python3-dev), linked into qdb-python: the shared
// library is position-independent code and ran measurably slower embedded.
// Non-PIE and --export-dynamic so that C extension modules loaded at run time
// find the interpreter's symbols in the executable; the whole archive, as
// those modules need parts of the interpreter nothing else refers to
// (_contextvars needs PyContextVar_Type). ld.bfd keeps the library's
// hot/cold code layout (gold measured 1.2x slower on calls, and its copy
// relocations made the dynamic loader warn about libswiftCore.so). Not
// -static-stdlib: its link arguments hide every static library's symbols
// (--exclude-libs ALL), libpython's included.
let staticPython: [LinkerSetting] = [
    .unsafeFlags([
        "-use-ld=bfd",
        "-Xclang-linker", "-no-pie",
        "-Xlinker", "--export-dynamic",
        // One -Xlinker each, so that the driver keeps them in this order.
        "-Xlinker", "--whole-archive",
        "-Xlinker", "/usr/lib/python3.11/config-3.11-x86_64-linux-gnu/libpython3.11.a",
        "-Xlinker", "--no-whole-archive",
        "-lexpat", "-lz", "-lm", "-ldl", "-lutil", "-lpthread",
    ])
]

// The test executable embeds the position-independent static libpython: unlike
// the shared library it carries symbols, so a crash in a test has a readable
// backtrace.
let testPython: [LinkerSetting] = [
    .unsafeFlags([
        "-Xlinker", "--export-dynamic",
        "-Xlinker", "--whole-archive",
        "-Xlinker", "/usr/lib/python3.11/config-3.11-x86_64-linux-gnu/libpython3.11-pic.a",
        "-Xlinker", "--no-whole-archive",
        "-lexpat", "-lz", "-lm", "-ldl", "-lutil", "-lpthread",
    ])
]

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
        // The text interface: the command language (a typed line -> protocol
        // messages) and the rendering of events as text. No I/O.
        .target(name: "QdbConsole", dependencies: ["QdbProtocol"]),

        .target(name: "QdbServer", dependencies: ["QdbProtocol", logging] + nio),
        .target(name: "QdbTracer", dependencies: ["QdbProtocol", "QdbConsole", "CPython"]),
        .target(name: "QdbClient", dependencies: ["QdbProtocol", "QdbConsole", "QdbServer", "CLibedit", logging] + nio),

        .executableTarget(name: "qdb-server", dependencies: ["QdbServer", argumentParser, logging]),
        .executableTarget(name: "qdb-python", dependencies: ["QdbTracer"], linkerSettings: staticPython),
        .executableTarget(name: "qdb-cli", dependencies: ["QdbClient", argumentParser]),

        // The server's load generator (bench/server.sh).
        .executableTarget(name: "qdb-loadgen", dependencies: ["QdbProtocol", "QdbServer", argumentParser] + nio),

        // Helpers for tests: processes, raw protocol peers, ports.
        .target(name: "QdbTestSupport", dependencies: ["QdbProtocol"], path: "Tests/QdbTestSupport"),

        .testTarget(name: "QdbProtocolTests", dependencies: ["QdbProtocol"]),
        .testTarget(name: "QdbConsoleTests", dependencies: ["QdbConsole"]),
        .testTarget(name: "QdbServerTests", dependencies: ["QdbServer", "QdbTestSupport"] + nio),
        .testTarget(
            name: "QdbTracerTests", dependencies: ["QdbTracer", "CPython", "QdbTestSupport"],
            linkerSettings: testPython),
        .testTarget(name: "QdbClientTests", dependencies: ["QdbClient", "QdbTestSupport"]),
        .testTarget(
            name: "EndToEndTests", dependencies: ["QdbProtocol", "QdbTestSupport"],
            exclude: ["Fixtures", "ClientFixtures"]),
    ]
)
