"""python -m qdb [options] script.py [args], or python -m qdb [options]
-m module [args]: debug a program without changing it, as `python -m pdb`
does. It stops at the first line of the program and waits for a client
(qdb-cli) through the qdb server."""
import argparse
import os
import runpy
import site
import sys
import sysconfig
import traceback
import types

from qdb.comm import RemoteCommandManager
from qdb.config import QdbConfig
from qdb.errors import QdbFailedToConnect, QdbQuit
from qdb.tracer import PACKAGE_DIRECTORY, Qdb, post_mortem


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        prog='python -m qdb',
        description='Debug a Python program with qdb: it stops at the '
                    'first line of the program and waits for a client.')
    parser.add_argument('--host', help='the qdb server (default: localhost '
                                       'or the .qdb config)')
    parser.add_argument('--port', type=int,
                        help='the server\'s tracer port (default: 8001)')
    parser.add_argument('--uuid', help='the session id clients attach to '
                                       '(default: qdb)')
    parser.add_argument('--auth', help='the auth message sent to the server')
    parser.add_argument('-c', '--command', action='append', default=[],
                        metavar='CMD',
                        help='a debugger command in client syntax (e.g. '
                             '"break app.py:12", "continue"), run at the '
                             'first stop; repeatable')
    parser.add_argument('--all-code', action='store_true',
                        help='also show and stop in the standard library, '
                             'site-packages and other library code')
    parser.add_argument('--post-mortem', action='store_true',
                        help='stop where an uncaught exception was raised, '
                             'in any thread, before the program ends')
    parser.add_argument('-m', dest='module', nargs=argparse.REMAINDER,
                        metavar='MODULE',
                        help='debug a library module run as a script, as '
                             '`python -m MODULE [ARGS]` runs it; the rest '
                             'of the line is its arguments')
    parser.add_argument('script', nargs='?', help='the program to debug')
    parser.add_argument('arguments', nargs=argparse.REMAINDER,
                        help='its arguments')
    arguments = parser.parse_args(argv)
    if arguments.module == []:
        parser.error('-m needs a module name')
    if arguments.module is None and arguments.script is None:
        parser.error('give a script, or -m and a module')
    return arguments


def library_directories():
    """Where the standard library and installed packages live: the code
    justMyCode hides."""
    paths = sysconfig.get_paths()
    directories = {paths[name] for name in
                   ('stdlib', 'platstdlib', 'purelib', 'platlib')}
    directories.update(site.getsitepackages())
    directories.add(site.getusersitepackages())
    return sorted(os.path.realpath(path) for path in directories)


def main_module(path, spec=None):
    """A fresh `__main__`, as `python script.py` gets, or, given the
    module's spec, as `python -m module` does."""
    module = types.ModuleType('__main__')
    module.__file__ = path
    module.__builtins__ = __builtins__
    if spec is not None:
        module.__cached__ = spec.cached
        module.__loader__ = spec.loader
        module.__package__ = spec.parent
        module.__spec__ = spec
    sys.modules['__main__'] = module
    return module.__dict__


def script_program(name, arguments):
    """What `python script.py arguments` runs, with sys.argv and
    sys.path[0] as it sets them: a function compiling the script (called
    once connected, so that a syntax error reaches the clients like any
    other exception), the globals to run it in, and no files to show
    among library code."""
    path = os.path.abspath(name)
    try:
        with open(path, 'rb') as f:
            source = f.read()
    except OSError as error:
        sys.exit('python -m qdb: cannot open %s: %s' % (name, error.strerror))
    sys.argv[:] = [name] + arguments
    sys.path[0] = os.path.dirname(path)
    return (lambda: compile(source, path, 'exec')), main_module(path), []


def module_program(name, arguments):
    """What `python -m name arguments` runs (a package's __main__), as
    script_program says, found the way pdb finds it, and its file, to be
    shown even where library code is skipped. Finding it imports the
    packages above it, as `python -m` does."""
    try:
        _, spec, code = runpy._get_module_details(name)
    except ImportError as error:
        sys.exit('python -m qdb: %s' % error)
    sys.argv[:] = [spec.origin] + arguments
    sys.path[0] = os.getcwd()
    return (lambda: code), main_module(spec.origin, spec), [spec.origin]


def user_traceback(tb):
    """The traceback without the frames of qdb itself."""
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith(
            PACKAGE_DIRECTORY):
        tb = tb.tb_next
    return tb


def main(argv=None):
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    if arguments.module is not None:
        compiled, globals_, shown_files = module_program(
            arguments.module[0], arguments.module[1:])
    else:
        compiled, globals_, shown_files = script_program(
            arguments.script, arguments.arguments)
    overrides = {name: value for name, value in (
        ('host', arguments.host), ('port', arguments.port),
        ('uuid', arguments.uuid), ('auth_msg', arguments.auth))
        if value is not None}
    if arguments.post_mortem:
        overrides['post_mortem'] = True
    config = QdbConfig.get_config()._replace(**overrides)
    if config.cmd_manager is None:
        config = config._replace(cmd_manager=RemoteCommandManager())
    try:
        qdb = Qdb._create(
            config,
            commands=arguments.command,
            skip_directories=[] if arguments.all_code
            else library_directories(),
            shown_files=shown_files,
            skip_frozen_modules=not arguments.all_code)
    except QdbFailedToConnect as error:
        sys.exit('python -m qdb: %s' % error)

    status = 0
    try:
        code = compiled()
        qdb.set_trace(sys._getframe(), stop=True)
        exec(code, globals_)
    except SystemExit as exit:
        status = exit.code
    except QdbQuit:
        status = 1
    except BaseException as error:
        sys.settrace(None)
        status = 1
        user_frames = user_traceback(error.__traceback__)
        if config.post_mortem and user_frames is not None and \
                not isinstance(error, KeyboardInterrupt):
            post_mortem(error)
        traceback.print_exception(type(error), error, user_frames)
    finally:
        sys.settrace(None)
        qdb.disable('soft')
    sys.exit(status)


if __name__ == '__main__':
    main()
