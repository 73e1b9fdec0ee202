"""Forwarding the program's output to the debugger's clients."""
from qdb._native import _qdb


class OutputTee(object):
    """Stands in for sys.stdout or sys.stderr: every write goes to the
    real stream and, as one `print` event, to the clients."""

    def __init__(self, stream, name):
        self._stream = stream
        self._name = name

    def write(self, text):
        written = self._stream.write(text)
        if isinstance(text, str):
            _qdb.write_output(self._name, text)
        return written

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        self._stream.flush()

    def __getattr__(self, name):
        return getattr(self._stream, name)
