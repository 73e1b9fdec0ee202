import CPython

/// Which files the user does not debug: they are never stopped in and
/// never shown. qdb's own package is always skipped; with `libraryCode`
/// skipping (debugpy's justMyCode) so are the standard library,
/// site-packages and frozen modules; `userFunction` is the config's
/// `skip_fn(filename) -> bool`. `shownFiles` are shown wherever they are:
/// a library module the user runs as the program (`python -m qdb -m`).
struct SkipRule {
    var directories: [String] = []
    var shownFiles: [String] = []
    var skipsFrozenModules = false
    var userFunction: PythonObject?
    /// Bumped on every change so cached per-code answers are recomputed.
    private(set) var generation = 0

    func nextGeneration(after previous: SkipRule) -> SkipRule {
        var next = self
        next.generation = previous.generation + 1
        return next
    }

    func skips(_ file: String) -> Bool {
        if skipsFrozenModules && file.hasPrefix("<frozen ") {
            return true
        }
        if !shownFiles.contains(file) && directories.contains(where: { FilePaths.isInside(file, directory: $0) }) {
            return true
        }
        guard let userFunction else { return false }
        do {
            return try userFunction.call(PythonObject(file)).isTrue
        } catch {
            // A broken skip_fn must not break the program: show the file.
            return false
        }
    }
}
