"""A minimal Debug Adapter Protocol client (standard library only), enough
to run a program under debugpy with breakpoints, for the benchmarks: ones
never hit, or ones that stop it and are stepped from.

DAP messages are JSON objects, each preceded by a `Content-Length: N`
header and a blank line. The client sends requests and reads responses and
events; it answers no reverse request, which an attach session without a
stop never sends.
"""

import json
import socket
import time


class DapError(RuntimeError):
    """The adapter refused a request, went silent, or did not verify a
    breakpoint."""


class Client(object):
    def __init__(self, host, port, timeout=30, process=None):
        """Connects to an adapter that may still be starting: debugpy
        opens its port a moment after its process starts. `process` (a
        Popen) makes a process that dies before listening fail at once
        rather than at the timeout."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.create_connection(
                    (host, port), timeout=timeout
                )
                break
            except ConnectionRefusedError:
                if process is not None and process.poll() is not None:
                    raise DapError(
                        'the debuggee exited (%s) before listening on %d'
                        % (process.returncode, port)
                    )
                if time.monotonic() > deadline:
                    raise DapError('nothing listens on port %d' % port)
                time.sleep(0.05)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b''
        self.sequence = 0
        # Responses by the sequence number of their request: a deferred
        # response (debugpy answers `attach` only after
        # `configurationDone`) may arrive while waiting for something else.
        self.responses = {}

    def send(self, command, arguments=None):
        """Sends a request without waiting; returns its sequence number."""
        self.sequence += 1
        message = {'seq': self.sequence, 'type': 'request', 'command': command}
        if arguments is not None:
            message['arguments'] = arguments
        body = json.dumps(message).encode('utf-8')
        self.sock.sendall(
            b'Content-Length: %d\r\n\r\n' % len(body) + body
        )
        return self.sequence

    def request(self, command, arguments=None):
        """Sends a request and returns its response's body."""
        return self.response(self.send(command, arguments))

    def response(self, sequence):
        """The body of the response to request `sequence`, waiting for it
        if it has not arrived yet."""
        if sequence not in self.responses:
            self.until(
                lambda message: message.get('type') == 'response'
                and message.get('request_seq') == sequence
            )
        return self.responses[sequence].get('body') or {}

    def until(self, predicate):
        """Reads messages up to the first for which `predicate` is true
        and returns it, or None when the adapter closes the connection
        first. Events before it are dropped; any failed response raises,
        since a refused request makes the run meaningless."""
        while True:
            message = self.receive()
            if message is None:
                return None
            if message.get('type') == 'response':
                if not message.get('success'):
                    raise DapError(
                        '%s failed: %s'
                        % (message.get('command'), message.get('message'))
                    )
                self.responses[message['request_seq']] = message
            if predicate(message):
                return message

    def event(self, name):
        """Waits for the event `name`; returns its body."""
        message = self.until(
            lambda message: message.get('type') == 'event'
            and message.get('event') == name
        )
        if message is None:
            raise DapError('the adapter closed before the %r event' % name)
        return message.get('body') or {}

    def receive(self):
        """The next message, or None at the end of the connection."""
        while b'\r\n\r\n' not in self.buffer:
            if not self._fill():
                return None
        head, _, self.buffer = self.buffer.partition(b'\r\n\r\n')
        length = None
        for line in head.split(b'\r\n'):
            name, _, value = line.partition(b':')
            if name.strip().lower() == b'content-length':
                length = int(value)
        if length is None:
            raise DapError('a message without Content-Length: %r' % head)
        while len(self.buffer) < length:
            if not self._fill():
                raise DapError('the connection closed inside a message')
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return json.loads(body.decode('utf-8'))

    def _fill(self):
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            raise DapError(
                'no message from the adapter in %.0f s'
                % self.sock.gettimeout()
            )
        except ConnectionResetError:
            data = b''
        self.buffer += data
        return bool(data)

    def close(self):
        self.sock.close()


def source_breakpoint(entry):
    """A DAP SourceBreakpoint from a line or a (line, condition) pair."""
    if isinstance(entry, tuple):
        return {'line': entry[0], 'condition': entry[1]}
    return {'line': entry}


def run_with_breakpoints(client, breakpoints, run_timeout, steps=()):
    """Attaches to a debuggee started with `--wait-for-client`, sets
    `breakpoints` ({path: [line or (line, condition), ...]}), lets it run,
    and returns when the session ends, within `run_timeout` seconds of
    silence. At each stop it sends the next of `steps` (`next`, `stepOut`,
    `continue`); a stop after the last one is an error. Raises DapError
    unless every breakpoint is verified."""
    client.request(
        'initialize',
        {
            'clientID': 'qdb-bench',
            'adapterID': 'python',
            'linesStartAt1': True,
            'columnsStartAt1': True,
            'pathFormat': 'path',
        },
    )
    # justMyCode at its default (on), as a user would have it; spelt out
    # because debugpy refuses an attach without arguments.
    attach = client.send('attach', {'justMyCode': True})
    # The adapter takes configuration only after `initialized`.
    client.event('initialized')
    for path, lines in sorted(breakpoints.items()):
        body = client.request(
            'setBreakpoints',
            {
                'source': {'path': path},
                'breakpoints': [source_breakpoint(entry) for entry in lines],
            },
        )
        # debugpy moves a breakpoint on a line without code to the next
        # line with some, and calls it verified: only the requested line
        # measures what the benchmark says.
        placed = body.get('breakpoints', [])
        if [
            breakpoint.get('line') if breakpoint.get('verified') else None
            for breakpoint in placed
        ] != [source_breakpoint(entry)['line'] for entry in lines]:
            raise DapError(
                'breakpoints %s:%s not verified as set: %s'
                % (path, lines, json.dumps(placed))
            )
    client.request('configurationDone')
    client.response(attach)
    # The program runs now, possibly for long without a message; the
    # session ends with `terminated` (or the connection closing) when it
    # exits.
    client.sock.settimeout(run_timeout)

    def end_or_stop():
        return client.until(
            lambda message: message.get('type') == 'event'
            and message.get('event') in ('terminated', 'stopped')
        )

    for step in steps:
        event = end_or_stop()
        if event is None or event['event'] == 'terminated':
            # Only a `continue` may go unneeded: pdb's and qdb's last one
            # after a breakpoint that never stops (a condition never true).
            if step != 'continue':
                raise DapError('the program ended before %r' % step)
            return
        client.request(step, {'threadId': event['body'].get('threadId')})
    end = end_or_stop()
    # A stop would wait for a client forever: the breakpoints are meant
    # never to be hit, or the steps to end in `continue`.
    if end is not None and end['event'] == 'stopped':
        raise DapError('the program stopped: %s' % json.dumps(end['body']))
