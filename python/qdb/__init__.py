"""qdb: a remote debugger for Python.

    import qdb
    qdb.set_trace(uuid='my-session', host='localhost', port=8001)

stops the program here and waits for a client (`qdb-cli -u my-session`)
through a qdb server (`qdb-server` or `python -m qdb.server`). The tracer is
written in Swift (the `_qdb` module); this package is its Python face.
"""
from qdb.comm import (
    CommandManager,
    NopCommandManager,
    RemoteCommandManager,
    ServerLocalCommandManager,
    TerminalCommandManager,
)
from qdb.config import QdbConfig
from qdb.errors import (
    QdbAuthenticationError,
    QdbBreakpointReadError,
    QdbCommunicationError,
    QdbError,
    QdbExecutionTimeout,
    QdbFailedToConnect,
    QdbPrognEndsInStatement,
    QdbQuit,
    QdbUnreachableBreakpoint,
)

__all__ = [
    'CommandManager', 'NopCommandManager', 'Qdb', 'QdbAuthenticationError',
    'QdbBreakpointReadError', 'QdbCommunicationError', 'QdbConfig',
    'QdbError', 'QdbExecutionTimeout', 'QdbFailedToConnect',
    'QdbPrognEndsInStatement', 'QdbQuit', 'QdbUnreachableBreakpoint',
    'RemoteCommandManager', 'ServerLocalCommandManager',
    'TerminalCommandManager', 'disable', 'set_trace',
]


def __getattr__(name):
    # The tracer is imported on first use, so that `python -m qdb.server`
    # and the config work without the Swift extension module.
    if name in ('Qdb', 'set_trace', 'disable'):
        from qdb import tracer
        return getattr(tracer, name)
    raise AttributeError("module 'qdb' has no attribute %r" % name)
