"""The Qdb class: the `import qdb` face of the Swift tracer."""
import atexit
import os
import signal
import sys
import threading

from qdb._native import _qdb
from qdb.comm import transport_of
from qdb.config import QdbConfig
from qdb.errors import QdbQuit

PACKAGE_DIRECTORY = os.path.dirname(os.path.abspath(__file__))


class Qdb(object):
    """The debugger of this process; a singleton until disabled.

    `Qdb(**options)` or `Qdb(config=QdbConfig(...))` starts a session (and
    connects to the server); later calls return the same object and ignore
    their arguments. As a context manager it traces the block without
    stopping first: `with Qdb(...):`.
    """
    _instance = None

    def __new__(cls, config=None, merge=False, **kwargs):
        instance = cls._instance
        if instance is None or not _qdb.is_active():
            if config is not None and kwargs:
                raise TypeError('Cannot pass config and kwargs')
            instance = super().__new__(cls)
            instance._start(QdbConfig.get_config(config or kwargs))
            cls._instance = instance
        return instance

    def _start(self, config, **session_options):
        """Starts the Swift session for `config`; `session_options` are
        extra tracer options (see `python -m qdb`)."""
        self.config = config
        options = dict(config._asdict())
        options.update(session_options)
        options['transport'] = transport_of(options.pop('cmd_manager'))
        if options['pause_signal'] is None:
            options['pause_signal'] = signal.SIGUSR2
        options['skip_directories'] = ([PACKAGE_DIRECTORY]
                                       + options.get('skip_directories', []))
        for unused in ('green', 'log_file'):
            options.pop(unused)
        _qdb.start(options)
        if options['post_mortem']:
            _install_post_mortem_hooks()
        if (options['transport'] != 'nop'
                and threading.current_thread() is threading.main_thread()):
            signal.signal(options['pause_signal'], _pause)
        _register_process_hooks()

    @classmethod
    def _create(cls, config, **session_options):
        """A new session with tracer options that QdbConfig does not have
        (used by `python -m qdb`)."""
        instance = super().__new__(cls)
        instance._start(config, **session_options)
        cls._instance = instance
        return instance

    def set_trace(self, stackframe=None, stop=True):
        """Debug from `stackframe` (default: the caller) outwards. With
        `stop`, stop at the next line; with 'next', at the next line of
        `stackframe`, as pdb's `next` would; otherwise only at
        breakpoints."""
        _qdb.set_trace(stackframe or sys._getframe().f_back, stop)

    def disable(self, mode='soft'):
        """End the session: 'soft' lets the program run on untraced,
        'hard' raises QdbQuit in it."""
        if mode not in ('soft', 'hard'):
            raise ValueError("mode must be 'hard' or 'soft'")
        if type(self)._instance is self:
            type(self)._instance = None
        _qdb.disable(mode)

    def __enter__(self):
        self.set_trace(sys._getframe().f_back, stop=False)
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        if exc_value is None or isinstance(exc_value, QdbQuit):
            self.disable('soft')


def _pause(signum, frame):
    _qdb.pause()


_hooks_registered = False


def _register_process_hooks():
    """At exit the server hears that the program ended; a forked child
    leaves its parent's session alone; `disable hard` ends the program
    with exit code 1 and no traceback, as the original's did."""
    global _hooks_registered
    if not _hooks_registered:
        atexit.register(_qdb.shutdown)
        os.register_at_fork(after_in_child=_qdb.forget)
        _hooks_registered = True
    hook = sys.excepthook
    if getattr(hook, '_qdb_quiet', False):
        return

    def quiet_on_quit(error_type, error, traceback):
        if not issubclass(error_type, QdbQuit):
            hook(error_type, error, traceback)

    quiet_on_quit._qdb_quiet = True
    sys.excepthook = quiet_on_quit


def post_mortem(error):
    """Stops where `error`, which nothing caught, was raised, for the
    clients to look around; the program then ends as python would, whatever
    they did."""
    try:
        _qdb.post_mortem(error)
    except QdbQuit:
        pass


def _dies_of(error_type):
    """Whether an uncaught exception of this type gets a post mortem: not
    a plain exit or Ctrl-C, as in pdb, nor the user's `disable hard`."""
    return error_type is not None and not issubclass(
        error_type, (SystemExit, KeyboardInterrupt, QdbQuit))


def _install_post_mortem_hooks():
    """The `post_mortem` option: uncaught exceptions stop first, in any
    thread, then get the report they would have had."""
    thread_hook = threading.excepthook
    main_hook = sys.excepthook

    def in_thread(arguments):
        if _dies_of(arguments.exc_type) and arguments.exc_value is not None:
            post_mortem(arguments.exc_value)
        thread_hook(arguments)

    def in_main_thread(error_type, error, traceback):
        if _dies_of(error_type):
            post_mortem(error)
        main_hook(error_type, error, traceback)

    threading.excepthook = in_thread
    sys.excepthook = in_main_thread


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
