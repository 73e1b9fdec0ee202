import Foundation

/// Finds the package's built executables (`qdb-server`, `qdb-python`,
/// `qdb-cli`) for end-to-end tests.
public enum Executables {
    /// Looked for, in order: `$QDB_BIN_DIR`; the directory of the running
    /// test binary (SwiftPM puts executables beside the test bundle, e.g.
    /// `.build/debug/`); `.build/debug` of this package.
    public static func path(of name: String) throws -> String {
        for directory in candidateDirectories {
            let path = (directory as NSString).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: path) {
                return path
            }
        }
        throw TestSupportError.notFound("\(name) in \(candidateDirectories); build it first or set QDB_BIN_DIR")
    }

    public static var candidateDirectories: [String] {
        var directories: [String] = []
        if let configured = ProcessInfo.processInfo.environment["QDB_BIN_DIR"], !configured.isEmpty {
            directories.append(configured)
        }
        // The test binary lives in .build/<configuration>/ or inside a
        // .xctest bundle there.
        var directory = (CommandLine.arguments[0] as NSString).deletingLastPathComponent
        while !directory.isEmpty, directory != "/" {
            directories.append(directory)
            if !(directory as NSString).lastPathComponent.hasSuffix(".xctest")
                && !(directory as NSString).lastPathComponent.hasPrefix("Contents")
                && !(directory as NSString).lastPathComponent.hasPrefix("MacOS") {
                break
            }
            directory = (directory as NSString).deletingLastPathComponent
        }
        directories.append((packageRoot as NSString).appendingPathComponent(".build/debug"))
        return directories
    }

    /// `name` looked up in `$PATH`, like a shell would (for tools such as
    /// `python3` that the package does not build).
    public static func searchPath(for name: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        throw TestSupportError.notFound("\(name) in PATH")
    }

    /// The `_qdb` extension module built for the interpreter under test
    /// (`$QDB_EXTENSION`, which tools/test-python.sh sets); nil if not built.
    public static var extensionModule: String? {
        ProcessInfo.processInfo.environment["QDB_EXTENSION"].flatMap {
            FileManager.default.fileExists(atPath: $0) ? $0 : nil
        }
    }

    /// An installed-like copy of the qdb package with `extensionModule` as
    /// its `_qdb.so`, in `directory`/site; returns that site folder.
    public static func installedPackage(_ extensionModule: String, in directory: String) throws -> String {
        let site = directory + "/site"
        try FileManager.default.createDirectory(atPath: site, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: packageRoot + "/python/qdb", toPath: site + "/qdb")
        try FileManager.default.copyItem(atPath: extensionModule, toPath: site + "/qdb/_qdb.so")
        return site
    }

    /// The interpreter the tracer is built for and tested with:
    /// `$QDB_TEST_PYTHON`, or python3 on PATH.
    public static func python() throws -> String {
        if let configured = ProcessInfo.processInfo.environment["QDB_TEST_PYTHON"], !configured.isEmpty {
            return configured
        }
        return try searchPath(for: "python3")
    }

    /// The package's root directory, from this file's location.
    public static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }
}
