#!/usr/bin/env python3
"""qdb's speed benchmarks (make bench).

1. Workloads (bench/workloads): each run under plain python3 and under the
   debuggers, interleaved round by round so that machine drift hits all
   alike; each round's time is divided by plain python3's in the same
   round. The workloads time themselves in-process (CPU and wall time), so
   start-up and the first stop are not counted. Breakpoints are set and
   never hit; qdb runs to them after `continue`, with a server and no
   client, as `python -m qdb -c 'break F:L' -c continue` does.
2. The step round trip: a client sends `step` and waits for the new
   `stack`, over a real server on loopback.

Prints medians with min-max and writes everything as JSON. Compare ratios
from one run, never absolute times across runs: the machine is shared.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOADS = os.path.join(HERE, 'workloads')
sys.path.insert(0, HERE)
import websocket  # noqa: E402

BASELINE = '/usr/bin/python3'
NAMES = ['call_heavy', 'loop_heavy', 'library_heavy', 'generators_exceptions']


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
        raise RuntimeError('qdb-server did not start:\n' + text)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


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


def configurations(bin_dir, server, extension_site, name):
    """(label, command, environment) for each way of running a workload."""
    path = os.path.join(WORKLOADS, name + '.py')
    qdb_python = os.path.join(bin_dir, 'qdb-python')
    lines = {
        'same file': '%s.py:%d'
        % (name, marker_line(path, 'same-file breakpoint')),
        'other file': 'other.py:%d'
        % marker_line(
            os.path.join(WORKLOADS, 'other.py'), 'other-file breakpoint'
        ),
        'hot function': '%s.py:%d'
        % (name, marker_line(path, 'hot-function breakpoint')),
    }

    def qdb(interpreter, where, uuid):
        return tracer_command(
            interpreter,
            server,
            uuid,
            ['-c', 'break ' + lines[where], '-c', 'continue', path],
        )

    def pdb(where):
        return [
            BASELINE,
            '-m',
            'pdb',
            '-c',
            'break ' + lines[where],
            '-c',
            'continue',
            path,
        ]

    yield 'python3', [BASELINE, path], {}
    yield 'qdb-python, untraced', [qdb_python, path], {}
    for where in ('other file', 'same file', 'hot function'):
        yield 'qdb-python, breakpoint in %s' % where, qdb(
            [qdb_python], where, name + where
        ), {}
    if extension_site:
        for where in ('other file', 'same file'):
            yield (
                'python3 + _qdb, breakpoint in %s' % where,
                qdb([BASELINE], where, name + 'extension' + where),
                {'PYTHONPATH': extension_site},
            )
    for where in ('other file', 'same file'):
        yield 'pdb, breakpoint in %s' % where, pdb(where), {}


def run_once(command, environment):
    result = subprocess.run(
        command,
        cwd=WORKLOADS,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, **environment),
        timeout=600,
        universal_newlines=True,
    )
    for line in reversed(result.stdout.splitlines()):
        if line.startswith('{"wall"'):
            return json.loads(line)
    raise RuntimeError(
        '%s printed no timing (exit %s):\n%s\n%s'
        % (
            ' '.join(command),
            result.returncode,
            result.stdout[-2000:],
            result.stderr[-2000:],
        )
    )


def summary(values):
    return {
        'median': statistics.median(values),
        'min': min(values),
        'max': max(values),
    }


def benchmark_workload(name, bin_dir, server, extension_site, rounds, warmup):
    configs = list(configurations(bin_dir, server, extension_site, name))
    times = {label: [] for label, _, _ in configs}
    for number in range(warmup + rounds):
        for label, command, environment in configs:
            timing = run_once(command, environment)
            if number >= warmup:
                times[label].append(timing)
    baseline = times['python3']
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


def step_round_trip(bin_dir, server, steps, warmup):
    """Milliseconds from sending `step` to receiving the next `stack`."""
    program = os.path.join(tempfile.mkdtemp(prefix='qdb-bench-'), 'steps.py')
    with open(program, 'w') as f:
        f.write('total = 0\nfor i in range(10 ** 7):\n    total += i\n')
    tracer = subprocess.Popen(
        tracer_command(
            [os.path.join(bin_dir, 'qdb-python')], server, 'steps', [program]
        ),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
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
        tracer.kill()
        tracer.wait()
        shutil.rmtree(os.path.dirname(program), ignore_errors=True)
    durations.sort()
    return {
        'steps': len(durations),
        'p50_ms': durations[len(durations) // 2],
        'p99_ms': durations[int(len(durations) * 0.99) - 1],
        'max_ms': durations[-1],
    }


def extension_site_directory(root):
    """A site directory holding the qdb package with its _qdb extension,
    when `make bench` built it."""
    built = os.path.join(root, '.build-ext', 'release', 'lib_qdb.so')
    if not os.path.exists(built):
        return None
    site = tempfile.mkdtemp(prefix='qdb-bench-site-')
    shutil.copytree(
        os.path.join(root, 'python', 'qdb'), os.path.join(site, 'qdb')
    )
    shutil.copy(built, os.path.join(site, 'qdb', '_qdb.so'))
    return site


def print_workload(name, result):
    print('\n%s (ratio to python3 in the same round: median [min-max])' % name)
    for label, kinds in result.items():
        print(
            '  %-45s cpu %5.2fx [%.2f-%.2f]   wall %5.2fx [%.2f-%.2f]'
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--bin', required=True, help='directory of the built binaries'
    )
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--steps', type=int, default=1000)
    parser.add_argument(
        '--only', nargs='*', default=NAMES, help='workloads to run'
    )
    parser.add_argument(
        '--out', default=os.path.join(HERE, '..', 'bench-results')
    )
    args = parser.parse_args()

    bin_dir = os.path.abspath(args.bin)
    root = os.path.dirname(HERE)
    server = Server(os.path.join(bin_dir, 'qdb-server'))
    extension_site = extension_site_directory(root)
    results = {
        'python': subprocess.check_output(
            [BASELINE, '--version'], universal_newlines=True
        ).strip(),
        'rounds': args.rounds,
        'warmup': args.warmup,
        'workloads': {},
    }
    try:
        for name in args.only:
            results['workloads'][name] = benchmark_workload(
                name, bin_dir, server, extension_site, args.rounds, args.warmup
            )
            print_workload(name, results['workloads'][name])
        results['step_round_trip'] = step_round_trip(
            bin_dir, server, args.steps, 50
        )
        print(
            '\nstep round trip over %(steps)d steps: p50 %(p50_ms).3f ms, '
            'p99 %(p99_ms).3f ms, max %(max_ms).3f ms'
            % results['step_round_trip']
        )
    finally:
        server.stop()
        if extension_site:
            shutil.rmtree(extension_site, ignore_errors=True)

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, time.strftime('tracer-%Y%m%d-%H%M%S.json'))
    with open(path, 'w') as f:
        json.dump(results, f, indent=1)
    print('\nwritten to %s' % os.path.relpath(path))


if __name__ == '__main__':
    main()
