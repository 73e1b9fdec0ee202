"""`qdb-cli attach --pid`: what the attached program runs.

qdb-cli writes a small script into a private folder and has the program
run it, through `sys.remote_exec` or gdb. The script calls `start`, which
connects to qdb-cli's private server and stops the program at its next
line, as `set_trace` there would.
"""
import os
import signal
import sys

from qdb.config import QdbConfig
from qdb.tracer import Qdb


def start(result, **options):
    """Starts a session with `options` (QdbConfig's) for the frame that
    ran the script, and writes 'ok', or why not, to the file `result`.

    The script's own frames, in the folder of `result`, are skipped: the
    program stops in its own code."""
    folder = os.path.dirname(result)
    frame = sys._getframe(1)
    while frame is not None and _is_injected(frame.f_code, folder):
        frame = frame.f_back
    # The program's own handler of the pause signal stays: it is not ours
    # to take (gunicorn upgrades on SIGUSR2), and clients pause through
    # the server.
    handler = signal.getsignal(signal.SIGUSR2)
    try:
        qdb = Qdb._create(QdbConfig(**options), skip_directories=[folder])
        if handler is not None:
            signal.signal(signal.SIGUSR2, handler)
    except BaseException as error:
        _report(result, '%s: %s' % (type(error).__name__, error))
        return
    _report(result, 'ok')
    # At the frame's next line: a step would stop in the code that ran
    # this script, which sys.remote_exec compiles as '<string>'.
    qdb.set_trace(frame, stop='next')


def _is_injected(code, folder):
    """The script's frames: its files, and the '<string>' code that
    sys.remote_exec runs the first one as, which names the second."""
    return code.co_filename.startswith(folder) or any(
        isinstance(constant, str) and constant.startswith(folder)
        for constant in code.co_consts)


def _report(result, text):
    with open(result, 'w') as file:
        file.write(text)
