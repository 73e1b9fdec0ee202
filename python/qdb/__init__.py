"""qdb: a remote debugger for Python (the tracer shim lands with the tracer)."""
