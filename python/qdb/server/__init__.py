"""Run the qdb server: ``python -m qdb.server [options]``.

The server is the ``qdb-server`` executable; this package only finds it
and hands it the command line, so the options are those of
``qdb-server --help``.
"""
import os
import shutil
import sys

EXECUTABLE = 'qdb-server'


def find_server():
    """Return the path of the qdb-server executable, or None.

    Looked for, in order: the QDB_SERVER environment variable, the
    directory of the running Python (a virtualenv's bin), then PATH.
    """
    configured = os.environ.get('QDB_SERVER')
    if configured:
        return configured
    beside_python = os.path.join(
        os.path.dirname(os.path.abspath(sys.executable)), EXECUTABLE)
    if os.path.isfile(beside_python) and os.access(beside_python, os.X_OK):
        return beside_python
    return shutil.which(EXECUTABLE)


def main(argv=None):
    """Replace this process with qdb-server, passing the arguments on."""
    args = sys.argv[1:] if argv is None else argv
    server = find_server()
    if server is None:
        sys.stderr.write(
            'qdb.server: cannot find the %s executable; install qdb, '
            'put %s on PATH or set QDB_SERVER to its path\n'
            % (EXECUTABLE, EXECUTABLE))
        return 127
    try:
        os.execv(server, [server] + list(args))
    except OSError as error:
        sys.stderr.write('qdb.server: cannot run %s: %s\n' % (server, error))
        return 126
