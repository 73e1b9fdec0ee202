#!/usr/bin/env python3
"""qdb's speed benchmarks (make bench).

1. Workloads (bench/workloads), for each CPython given with --pythons:
   each run plainly and under the debuggers on that same interpreter, all
   interleaved round by round so that machine drift hits all alike; each
   round's time is divided by the plain run's in the same round. The
   debuggers are qdb (`python -m qdb` with the `_qdb` extension built for
   that interpreter), pdb and debugpy; for the first interpreter also
   qdb-python (the embedded interpreter in --bin). The workloads time
   themselves in-process (CPU and wall time), so start-up and attaching
   are not counted. Breakpoints are set and never hit: qdb runs to them
   after `continue`, with a server and no client, as `python -m qdb -c
   'break F:L' -c continue` does; pdb likewise; debugpy with a minimal DAP
   client (bench/dap.py) that sets them and lets the program run.
2. The step round trip: a client sends `step` and waits for the new
   `stack`, over a real server on loopback.

Prints medians with min-max, then a summary table per interpreter (CPU
median ratios, in Markdown), and writes everything as JSON. Compare ratios
from one run, never absolute times across runs: the machine is shared.
"""

import argparse
import collections
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORKLOADS = os.path.join(HERE, 'workloads')
sys.path.insert(0, HERE)
import dap  # noqa: E402
import websocket  # noqa: E402

NAMES = [
    'call_heavy', 'loop_heavy', 'library_heavy', 'generators_exceptions',
    'threads',
]
# Stepping scenarios, on bench/workloads/stepping.py: its argument, the
# marker of the line the breakpoint is on, the breakpoint's condition, and
# the commands after the first stop there. Each debugger takes the same
# commands (`-c`), so pdb is measured alike.
STEPPING = collections.OrderedDict([
    ('next_over_calls', ('calls', 'step breakpoint', None,
                         ['next', 'next', 'continue'])),
    ('next_over_loops', ('loops', 'step breakpoint', None,
                         ['next', 'next', 'continue'])),
    ('return_from_calls', ('return', 'return breakpoint', None,
                           ['return', 'continue'])),
    ('continue_after_step', ('calls', 'step breakpoint', None,
                             ['next', 'continue'])),
    ('hot_condition', ('condition', 'condition breakpoint', 'i == -1',
                       ['continue'])),
])
# The summary table's column headings.
SHORT_NAMES = {
    'call_heavy': 'calls',
    'loop_heavy': 'loops',
    'library_heavy': 'library',
    'generators_exceptions': 'generators',
    'threads': '4 threads',
    'next_over_calls': '`next` over calls',
    'next_over_loops': '`next` over a loop',
    'return_from_calls': '`return` from calls',
    'continue_after_step': '`continue` after `next`',
    'hot_condition': 'condition never true, hot loop',
}
PLAIN = 'python'
# Seconds one run may take: pdb and debugpy with a breakpoint in the hot
# function run tens of times slower than plain python.
RUN_TIMEOUT = 600
# Seconds for anything else that should be quick: starting, connecting,
# exiting.
SHORT_TIMEOUT = 60

# One way of running a workload. `breakpoints` ({path: [line or (line,
# condition)]}) is set for debugpy runs, through DAP, and `steps` are the
# DAP requests sent at its stops, one per stop; the other debuggers take
# theirs on their command lines.
Configuration = collections.namedtuple(
    'Configuration', 'label command environment breakpoints steps',
    defaults=((),),
)
# The DAP request for each stepping command of STEPPING.
DAP_STEPS = {'next': 'next', 'return': 'stepOut', 'continue': 'continue'}


def marker_line(path, marker):
    """The line of `path` that carries `# bench: <marker>`."""
    with open(path) as f:
        for number, text in enumerate(f, 1):
            if '# bench: ' + marker in text:
                return number
    raise ValueError('no %r marker in %s' % (marker, path))


class Server(object):
    """A qdb-server on ephemeral loopback ports, for the whole run."""

    def __init__(self, binary):
        self.log = tempfile.TemporaryFile(mode='w+')
        self.process = subprocess.Popen(
            [binary, '--tracer-port', '0', '--client-port', '0'],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 20
        while time.time() < deadline:
            self.log.seek(0)
            text = self.log.read()
            tracer = re.search(r'Serving tracers on \S+:(\d+)', text)
            client = re.search(r'Serving clients on \S+:(\d+)', text)
            if tracer and client:
                self.tracer_port = int(tracer.group(1))
                self.client_port = int(client.group(1))
                return
            time.sleep(0.05)
        self.process.kill()
        raise RuntimeError('qdb-server did not start:\n' + text)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class Interpreter(object):
    """A CPython under test, named as on the command line."""

    def __init__(self, name):
        found = shutil.which(name)
        if found is None:
            raise SystemExit('run.py: no interpreter %r' % name)
        # The real executable rather than, say, a pyenv shim: a shim would
        # start a shell on every run, and venvs must be made from the
        # interpreter itself.
        output = subprocess.check_output(
            [
                found,
                '-c',
                'import platform, sys\n'
                'print(sys.executable)\n'
                'print("%d.%d" % sys.version_info[:2])\n'
                'print(platform.python_version())',
            ],
            universal_newlines=True,
            timeout=SHORT_TIMEOUT,
        ).split('\n')
        self.executable = output[0] or os.path.abspath(found)
        self.version = output[1]
        self.full_version = output[2]
        self.title = 'Python %s (%s)' % (self.full_version, self.executable)
        # The site directory with qdb and its _qdb extension, once made.
        self.site = None


def extension_site_directory(interpreter, pattern):
    """A site directory holding the qdb package with the _qdb extension
    built for `interpreter` (`pattern` under the repository, with
    {version} its X.Y), or None, saying why, when there is none or it does
    not load."""
    built = os.path.join(ROOT, pattern.format(version=interpreter.version))
    if not os.path.exists(built):
        print(
            '%s: no _qdb extension at %s: skipping qdb (build it with '
            'QDB_PYTHON=%s)'
            % (
                interpreter.title,
                os.path.relpath(built, ROOT),
                interpreter.executable,
            )
        )
        return None
    site = tempfile.mkdtemp(prefix='qdb-bench-site-')
    shutil.copytree(
        os.path.join(ROOT, 'python', 'qdb'),
        os.path.join(site, 'qdb'),
        ignore=shutil.ignore_patterns('__pycache__'),
    )
    shutil.copy(built, os.path.join(site, 'qdb', '_qdb.so'))
    # An extension built for another version, or half-built, fails only at
    # import: find out now rather than in the middle of the rounds.
    check = subprocess.run(
        [interpreter.executable, '-c', 'from qdb import _qdb'],
        env=dict(os.environ, PYTHONPATH=site),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        universal_newlines=True,
        timeout=SHORT_TIMEOUT,
    )
    if check.returncode != 0:
        lines = check.stdout.strip().splitlines() or ['(no output)']
        print(
            '%s: %s does not load: skipping qdb: %s'
            % (interpreter.title, os.path.relpath(built, ROOT), lines[-1])
        )
        shutil.rmtree(site, ignore_errors=True)
        return None
    print(
        '%s: qdb with %s' % (interpreter.title, os.path.relpath(built, ROOT))
    )
    return site


def debugpy_python(interpreter, venvs):
    """The python of a venv of `interpreter` with debugpy installed from
    PyPI (made once, then reused), or None, saying why, when it cannot be
    made."""
    # One venv per interpreter, not per version: Debian's and pyenv's 3.11
    # must not share one, since a venv runs the interpreter it was made
    # from.
    tag = hashlib.sha1(interpreter.executable.encode('utf-8')).hexdigest()
    venv = os.path.join(
        venvs, 'debugpy-%s-%s' % (interpreter.version, tag[:8])
    )
    python = os.path.join(venv, 'bin', 'python')

    def installed_version():
        if not os.path.exists(python):
            return None
        check = subprocess.run(
            [python, '-c', 'import debugpy; print(debugpy.__version__)'],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            universal_newlines=True,
            timeout=SHORT_TIMEOUT,
        )
        return check.stdout.strip() if check.returncode == 0 else None

    version = installed_version()
    if version is None:
        print('%s: installing debugpy into %s' % (interpreter.title, venv))
        for command in (
            [interpreter.executable, '-m', 'venv', '--clear', venv],
            [python, '-m', 'pip', 'install', '--quiet', 'debugpy'],
        ):
            try:
                result = subprocess.run(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    universal_newlines=True,
                    timeout=RUN_TIMEOUT,
                )
                failure = result.returncode and (
                    result.stdout.strip() or 'exit %d' % result.returncode
                )
            except (OSError, subprocess.TimeoutExpired) as error:
                failure = str(error)
            if failure:
                print(
                    '%s: skipping debugpy: %s failed: %s'
                    % (interpreter.title, ' '.join(command), failure[-500:])
                )
                return None
        version = installed_version()
        if version is None:
            print(
                '%s: skipping debugpy: it does not import after installing'
                % interpreter.title
            )
            return None
    print('%s: debugpy %s from %s' % (interpreter.title, version, venv))
    return python


def tracer_command(interpreter, server, uuid, arguments):
    """The command running the qdb runner under `interpreter`."""
    return interpreter + [
        '-m',
        'qdb',
        '--host',
        '127.0.0.1',
        '--port',
        str(server.tracer_port),
        '--uuid',
        uuid,
    ] + arguments


def configurations(
    name, interpreter, server, extension_site, qdb_python, debugpy, peers
):
    """The Configurations a workload runs in on `interpreter`; qdb_python,
    extension_site and debugpy are None when not measured, and pdb and
    debugpy run only with `peers`."""
    path = os.path.join(WORKLOADS, name + '.py')
    other = os.path.join(WORKLOADS, 'other.py')
    # (path, line) of each breakpoint.
    places = {
        'same file': (path, marker_line(path, 'same-file breakpoint')),
        'other file': (other, marker_line(other, 'other-file breakpoint')),
        'hot function': (path, marker_line(path, 'hot-function breakpoint')),
    }

    def location(where):
        path, line = places[where]
        return '%s:%d' % (os.path.basename(path), line)

    def qdb(command, where, environment):
        commands = ['-c', 'continue']
        if where:
            commands = ['-c', 'break ' + location(where)] + commands
        # Sessions run one at a time, but a distinct id per configuration
        # keeps a straggler from ever meeting the next run.
        uuid = re.sub(r'\W+', '-', '%s %s %s' % (name, command[0], where))
        return Configuration(
            '%s, %s'
            % (
                'qdb-python' if command[0] == qdb_python else 'python -m qdb',
                'breakpoint in ' + where if where else 'no breakpoint',
            ),
            tracer_command(command, server, uuid, commands + [path]),
            environment,
            None,
        )

    python = interpreter.executable
    yield Configuration(PLAIN, [python, path], {}, None)
    if extension_site:
        for where in (None, 'other file', 'same file', 'hot function'):
            yield qdb([python], where, {'PYTHONPATH': extension_site})
    if qdb_python:
        yield Configuration(
            'qdb-python, untraced', [qdb_python, path], {}, None
        )
        for where in ('other file', 'same file', 'hot function'):
            yield qdb([qdb_python], where, {})
    if not peers:
        return
    # pdb costs the same wherever its breakpoint is in the file (it traces
    # every line of every frame of the file), and a run takes 80 times as
    # long as plain: one place is enough.
    yield Configuration(
        'pdb, breakpoint in hot function',
        [python, '-m', 'pdb']
        + ['-c', 'break ' + location('hot function'), '-c', 'continue', path],
        {},
        None,
    )
    if debugpy:
        for where in ('hot function', 'other file'):
            target, line = places[where]
            yield Configuration(
                'debugpy, breakpoint in ' + where,
                [debugpy, '-m', 'debugpy', '--listen', '127.0.0.1:{port}']
                + ['--wait-for-client', path],
                {},
                {target: [line]},
            )


def stepping_configurations(
    name, interpreter, server, extension_site, qdb_python, debugpy, peers
):
    """The Configurations of a stepping scenario on `interpreter`: plain,
    qdb (extension, and qdb-python when given), and pdb and debugpy (when
    given) with `peers`."""
    argument, marker, condition, after = STEPPING[name]
    path = os.path.join(WORKLOADS, 'stepping.py')
    line = marker_line(path, marker)
    where = 'stepping.py:%d' % line
    if condition:
        where += ', ' + condition
    flags = []
    for command in ['break ' + where, 'continue'] + after:
        flags += ['-c', command]
    program = [path, argument]
    python = interpreter.executable
    yield Configuration(PLAIN, [python] + program, {}, None)
    if extension_site:
        yield Configuration(
            'python -m qdb',
            tracer_command([python], server, name + '-ext', flags + program),
            {'PYTHONPATH': extension_site},
            None,
        )
    if qdb_python:
        yield Configuration(
            'qdb-python',
            tracer_command([qdb_python], server, name + '-embedded',
                           flags + program),
            {},
            None,
        )
    if not peers:
        return
    yield Configuration(
        'pdb', [python, '-m', 'pdb'] + flags + program, {}, None
    )
    if debugpy:
        yield Configuration(
            'debugpy',
            [debugpy, '-m', 'debugpy', '--listen', '127.0.0.1:{port}']
            + ['--wait-for-client'] + program,
            {},
            {path: [(line, condition) if condition else line]},
            [DAP_STEPS[command] for command in after],
        )


def timing(command, returncode, stdout, stderr):
    """The workload's own timing line, from a run's output."""
    for line in reversed(stdout.splitlines()):
        if line.startswith('{"wall"'):
            return json.loads(line)
    raise RuntimeError(
        '%s printed no timing (exit %s):\n%s\n%s'
        % (
            ' '.join(command),
            returncode,
            stdout[-2000:],
            stderr[-2000:],
        )
    )


def run_once(configuration):
    """Runs one configuration; returns the workload's timing."""
    if configuration.breakpoints:
        return run_debugpy(configuration)
    result = subprocess.run(
        configuration.command,
        cwd=WORKLOADS,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, **configuration.environment),
        timeout=RUN_TIMEOUT,
        universal_newlines=True,
    )
    return timing(
        configuration.command,
        result.returncode,
        result.stdout,
        result.stderr,
    )


def free_port():
    """A loopback port free now, for debugpy to listen on (it cannot say
    which port it got when given 0)."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def run_debugpy(configuration):
    """Runs a workload under debugpy, its breakpoints set through DAP."""
    port = free_port()
    command = [
        part.replace('{port}', str(port)) for part in configuration.command
    ]
    with tempfile.TemporaryFile('w+') as out, tempfile.TemporaryFile(
        'w+'
    ) as err:
        # Its own process group, so that a failure ends the program
        # however far it got; debugpy's adapter process ends with it.
        process = subprocess.Popen(
            command,
            cwd=WORKLOADS,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=dict(os.environ, **configuration.environment),
            start_new_session=True,
        )
        try:
            client = dap.Client(
                '127.0.0.1', port, timeout=SHORT_TIMEOUT, process=process
            )
            try:
                dap.run_with_breakpoints(
                    client,
                    configuration.breakpoints,
                    RUN_TIMEOUT,
                    configuration.steps,
                )
            finally:
                client.close()
            process.wait(timeout=SHORT_TIMEOUT)
        except (dap.DapError, OSError, subprocess.TimeoutExpired) as error:
            err.seek(0)
            raise RuntimeError(
                '%s: %s\n%s'
                % (' '.join(command), error, err.read()[-2000:])
            )
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        out.seek(0)
        err.seek(0)
        return timing(command, process.returncode, out.read(), err.read())


def summary(values):
    return {
        'median': statistics.median(values),
        'min': min(values),
        'max': max(values),
    }


def benchmark_workload(configs, rounds, warmup):
    """Runs `configs` interleaved; ratios to the plain run of each round."""
    times = {config.label: [] for config in configs}
    for number in range(warmup + rounds):
        for config in configs:
            result = run_once(config)
            if number >= warmup:
                times[config.label].append(result)
    baseline = times[PLAIN]
    result = {}
    for label, runs in times.items():
        result[label] = {
            kind: dict(
                summary(
                    [
                        run[kind] / base[kind]
                        for run, base in zip(runs, baseline)
                    ]
                ),
                seconds=summary([run[kind] for run in runs]),
            )
            for kind in ('cpu', 'wall')
        }
    return result


def step_round_trip(tracer, environment, server, steps, warmup):
    """Milliseconds from sending `step` to receiving the next `stack`, with
    the tracer run by `tracer` (a command)."""
    program = os.path.join(tempfile.mkdtemp(prefix='qdb-bench-'), 'steps.py')
    with open(program, 'w') as f:
        f.write('total = 0\nfor i in range(10 ** 7):\n    total += i\n')
    process = subprocess.Popen(
        tracer_command(tracer, server, 'steps', [program]),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, **environment),
    )
    try:
        client = websocket.Client('127.0.0.1', server.client_port, '/steps')
        client.send({'e': 'start', 'p': ''})
        client.receive_until('breakpoints')
        client.receive_until('stack')
        durations = []
        for number in range(warmup + steps):
            started = time.perf_counter()
            client.send({'e': 'step'})
            client.receive_until('stack')
            if number >= warmup:
                durations.append((time.perf_counter() - started) * 1000)
        client.send({'e': 'disable', 'p': 'hard'})
        client.close()
    finally:
        process.kill()
        process.wait()
        shutil.rmtree(os.path.dirname(program), ignore_errors=True)
    durations.sort()
    return {
        'tracer': tracer[0],
        'steps': len(durations),
        'p50_ms': durations[len(durations) // 2],
        'p99_ms': durations[int(len(durations) * 0.99) - 1],
        'max_ms': durations[-1],
    }


def embedded_version(qdb_python):
    """The CPython version qdb-python embeds."""
    directory = tempfile.mkdtemp(prefix='qdb-bench-')
    try:
        script = os.path.join(directory, 'version.py')
        with open(script, 'w') as f:
            f.write('import platform\nprint(platform.python_version())\n')
        return subprocess.check_output(
            [qdb_python, script],
            stdin=subprocess.DEVNULL,
            universal_newlines=True,
            timeout=SHORT_TIMEOUT,
        ).strip()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def print_workload(name, result):
    print(
        '\n%s (ratio to %s in the same round: median [min-max])'
        % (name, PLAIN)
    )
    for label, kinds in result.items():
        print(
            '  %-42s cpu %6.2fx [%.2f-%.2f]   wall %6.2fx [%.2f-%.2f]'
            % (
                label,
                kinds['cpu']['median'],
                kinds['cpu']['min'],
                kinds['cpu']['max'],
                kinds['wall']['median'],
                kinds['wall']['min'],
                kinds['wall']['max'],
            )
        )


def ratio_text(value):
    """Three significant figures, as in the README: 1.14x, 15.3x, 136x."""
    if value < 10:
        return '%.2fx' % value
    if value < 100:
        return '%.1fx' % value
    return '%.0fx' % value


def print_summary(interpreter_result):
    """Markdown tables of CPU median ratios, to paste into the README: the
    breakpoint workloads, then the stepping scenarios."""
    workloads = interpreter_result['workloads']
    print_table(
        interpreter_result,
        {n: w for n, w in workloads.items() if n not in STEPPING},
    )
    print_table(
        interpreter_result,
        {n: w for n, w in workloads.items() if n in STEPPING},
    )


def print_table(interpreter_result, workloads):
    if not workloads:
        return
    names = list(workloads)
    labels = []
    for name in names:
        for label in workloads[name]:
            if label != PLAIN and label not in labels:
                labels.append(label)
    print(
        '\n%s, CPU time, median ratio to plain python:'
        % interpreter_result['title']
    )
    if interpreter_result['qdb_python']:
        # Compared with this interpreter, whichever CPython it embeds.
        print(
            '(qdb-python embeds Python %s)' % interpreter_result['qdb_python']
        )
    print()
    print('| | %s |' % ' | '.join(SHORT_NAMES.get(n, n) for n in names))
    print('|---|%s' % ('---|' * len(names)))
    for label in labels:
        tool, _, where = label.partition(', ')
        cells = [
            ratio_text(workloads[name][label]['cpu']['median'])
            if label in workloads[name]
            else '-'
            for name in names
        ]
        name = '`%s`, %s' % (tool, where) if where else '`%s`' % tool
        print('| %s | %s |' % (name, ' | '.join(cells)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--bin',
        required=True,
        help='directory of the built binaries (qdb-server, qdb-python)',
    )
    parser.add_argument(
        '--pythons',
        nargs='+',
        default=['python3'],
        metavar='PYTHON',
        help='CPython interpreters to measure (names or paths); qdb-python '
        'is compared with the first (default: python3)',
    )
    parser.add_argument(
        '--ext-pattern',
        default=os.path.join(
            '.build-ext-py{version}', 'release', 'lib_qdb.so'
        ),
        help='where the _qdb extension for an interpreter is, under the '
        'repository; {version} is its X.Y (default: %(default)s)',
    )
    parser.add_argument(
        '--venvs',
        default=os.path.join(ROOT, 'bench-results', 'venvs'),
        help='where the venvs with debugpy are made (default: %(default)s)',
    )
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--steps', type=int, default=1000)
    parser.add_argument(
        '--only',
        nargs='*',
        default=NAMES + list(STEPPING),
        help='workloads to run',
    )
    parser.add_argument('--out', default=os.path.join(ROOT, 'bench-results'))
    parser.add_argument(
        '--no-peers',
        dest='peers',
        action='store_false',
        help='measure qdb only, not pdb and debugpy (which take 10-100 '
        'times as long as plain python)',
    )
    args = parser.parse_args()

    bin_dir = os.path.abspath(args.bin)
    server_binary = os.path.join(bin_dir, 'qdb-server')
    if not os.path.exists(server_binary):
        parser.error('no qdb-server in %s' % bin_dir)
    qdb_python = os.path.join(bin_dir, 'qdb-python')
    results = {
        'rounds': args.rounds,
        'warmup': args.warmup,
        'qdb_python': None,
        'interpreters': [],
    }
    if os.path.exists(qdb_python):
        results['qdb_python'] = embedded_version(qdb_python)
        print('qdb-python embeds Python %s' % results['qdb_python'])
    else:
        print('no qdb-python in %s: skipping it' % bin_dir)
        qdb_python = None
    interpreters = [Interpreter(name) for name in args.pythons]
    server = Server(server_binary)
    sites = []
    try:
        for number, interpreter in enumerate(interpreters):
            site = extension_site_directory(interpreter, args.ext_pattern)
            interpreter.site = site
            if site:
                sites.append(site)
            debugpy = (
                debugpy_python(interpreter, args.venvs) if args.peers else None
            )
            result = {
                'title': interpreter.title,
                'executable': interpreter.executable,
                'version': interpreter.full_version,
                'qdb_extension': site
                and args.ext_pattern.format(version=interpreter.version),
                'debugpy': debugpy,
                'qdb_python': results['qdb_python'] if number == 0 else None,
                'workloads': {},
            }
            results['interpreters'].append(result)
            print('\n## %s' % interpreter.title)
            for name in args.only:
                embedded = qdb_python if number == 0 else None
                if name in STEPPING:
                    configs = list(
                        stepping_configurations(
                            name, interpreter, server, site, embedded,
                            debugpy, args.peers,
                        )
                    )
                else:
                    configs = list(
                        configurations(
                            name,
                            interpreter,
                            server,
                            site,
                            embedded,
                            debugpy,
                            args.peers,
                        )
                    )
                result['workloads'][name] = benchmark_workload(
                    configs, args.rounds, args.warmup
                )
                print_workload(name, result['workloads'][name])

        # Through qdb-python, as before; else through the first
        # interpreter that has the extension.
        tracer = None
        if qdb_python:
            tracer = [qdb_python], {}
        else:
            for interpreter in interpreters:
                if interpreter.site:
                    tracer = (
                        [interpreter.executable],
                        {'PYTHONPATH': interpreter.site},
                    )
                    break
        if tracer:
            results['step_round_trip'] = step_round_trip(
                tracer[0], tracer[1], server, args.steps, 50
            )
            print(
                '\nstep round trip over %(steps)d steps with %(tracer)s: '
                'p50 %(p50_ms).3f ms, p99 %(p99_ms).3f ms, '
                'max %(max_ms).3f ms' % results['step_round_trip']
            )
        else:
            print('\nno qdb tracer to measure the step round trip with')
    finally:
        server.stop()
        for site in sites:
            shutil.rmtree(site, ignore_errors=True)

    for result in results['interpreters']:
        print_summary(result)

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, time.strftime('tracer-%Y%m%d-%H%M%S.json'))
    with open(path, 'w') as f:
        json.dump(results, f, indent=1)
    print('\nwritten to %s' % os.path.relpath(path))


if __name__ == '__main__':
    main()
