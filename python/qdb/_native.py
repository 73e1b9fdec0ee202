"""Finds the Swift tracer, `_qdb`: built into qdb-python, an extension
module (qdb/_qdb.so) under a user's own python3."""
import sys

if '_qdb' in sys.builtin_module_names:
    import _qdb
else:
    try:
        from qdb import _qdb
    except ImportError as error:
        raise ImportError(
            "qdb's tracer (the _qdb extension module) is not installed for "
            "%s: run the program with qdb-python, or install qdb with "
            "'make install'" % sys.executable) from error

__all__ = ['_qdb']
