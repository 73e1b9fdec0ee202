"""qdb: a remote debugger for Python.

    import qdb
    qdb.set_trace(uuid='my-session', host='localhost', port=8001)

stops the program here and waits for a client (`qdb-cli -u my-session`)
through a qdb server (`qdb-server` or `python -m qdb.server`). The tracer is
written in Swift (the `_qdb` module); this package is its Python face.
"""
import sys

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
from qdb.tracer import Qdb

__all__ = [
    'CommandManager', 'NopCommandManager', 'Qdb', 'QdbAuthenticationError',
    'QdbBreakpointReadError', 'QdbCommunicationError', 'QdbConfig',
    'QdbError', 'QdbExecutionTimeout', 'QdbFailedToConnect',
    'QdbPrognEndsInStatement', 'QdbQuit', 'QdbUnreachableBreakpoint',
    'RemoteCommandManager', 'ServerLocalCommandManager',
    'TerminalCommandManager', 'disable', 'set_trace',
]


def set_trace(stop=True, **kwargs):
    """Start debugging here. The keyword arguments are QdbConfig options
    for the session (used only when it starts). `breakpoint()` calls this
    when PYTHONBREAKPOINT=qdb.set_trace."""
    Qdb(**kwargs).set_trace(sys._getframe().f_back, stop=stop)


def disable(mode='soft'):
    """End the session, if there is one: 'soft' lets the program run on
    untraced, 'hard' raises QdbQuit."""
    if Qdb._instance is not None:
        Qdb._instance.disable(mode)
