import Foundation
import Testing
import QdbProtocol
@testable import QdbTracer

struct FilePathTests {
    @Test(arguments: [
        ("/a/b/../c.py", "/a/c.py"), ("rel/./x.py", "/work/rel/x.py"), ("/a//b.pyc", "/a/b.py"),
        ("<string>", "<string>"), ("../up.py", "/up.py"),
    ])
    func canonicalNames(name: String, expected: String) {
        #expect(FilePaths.canonical(name, workingDirectory: "/work") == expected)
    }

    @Test func insideChecksWholeComponents() {
        #expect(FilePaths.isInside("/usr/lib/python3.11/os.py", directory: "/usr/lib/python3.11"))
        #expect(!FilePaths.isInside("/usr/lib/python3.11x/os.py", directory: "/usr/lib/python3.11"))
    }
}

struct SourceFilesTests {
    @Test func splitsOnEveryNewlineConvention() {
        #expect(SourceFiles.split("a\nb\r\nc\rd") == ["a", "b", "c", "d"])
        #expect(SourceFiles.split("a\n\n") == ["a", ""])
        #expect(SourceFiles.split("") == [])
    }

    @Test func readsAndNoticesChanges() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("qdb-source-\(UUID()).py").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "x = 1\ny = 2\n".write(toFile: path, atomically: true, encoding: .utf8)
        var sources = SourceFiles()
        #expect(sources.line(2, of: path) == "y = 2")
        #expect(sources.line(3, of: path) == "")
        try "x = 1\ny = 20\nz = 3\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(sources.lines(of: path)?.count == 3)
        #expect(sources.lines(of: "/nonexistent/file.py") == nil)
    }
}

struct SliceTests {
    @Test(arguments: [
        (nil, nil, 0..<5), (1, 3, 1..<3), (-2, nil, 3..<5), (3, 1, 3..<3), (nil, 99, 0..<5), (-99, 2, 0..<2),
    ] as [(Int?, Int?, Range<Int>)])
    func pythonSlices(start: Int?, end: Int?, expected: Range<Int>) {
        #expect(PythonSlice.range(count: 5, start: start, end: end) == expected)
    }
}

struct SliceBoundTests {
    @Test(arguments: [
        (JSONValue.null, Int??.some(nil)), (.string(" 3 "), 3), (.string("x"), nil), (.bool(true), 1),
        (.array([]), nil),
    ] as [(JSONValue, Int??)])
    func readsBoundsAsPythonInt(value: JSONValue, expected: Int??) {
        #expect(PythonSlice.bound(value) == expected)
    }
}
