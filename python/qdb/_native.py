"""The Swift tracer's functions: `_qdb` is built into qdb-python, and is an
extension module (qdb/_qdb.so) under a user's own python3."""
import sys

if '_qdb' in sys.builtin_module_names:
    from _qdb import *  # noqa: F401,F403
else:
    from qdb._qdb import *  # noqa: F401,F403
