"""Debugs a program through qdb-dap with dap-python's client, which checks
every response and event against its own models of the protocol.

    dap_python_client.py QDB_DAP PROGRAM LINE

Runs qdb-dap on standard input and output, launches PROGRAM, stops at a
breakpoint on LINE, looks at the stack and the locals, and continues to
the end. Prints one JSON summary line; exits non-zero on any failure.
"""
import json
import os
import subprocess
import sys
import threading
from typing import List, Optional

import dap.events
import dap.handler
from dap import Client
from dap.base import ErrorResponse, ResponseBody
from dap.events import ExitedEvent, InitializedEvent, TerminatedEvent
from dap.responses import (ScopesResponse, SetBreakpointsResponse,
                           StackTraceResponse, VariablesResponse)

# dap-python 0.5.0 checks the body of each response that has none (launch's,
# say) against a model of a whole response, which no adapter can satisfy:
# those are taken as empty bodies. Every envelope, and every other body, is
# still checked against its model.
for name in ('Attached', 'ConfigurationDone', 'Disconnected', 'LaunchDone',
             'NextResponse', 'Paused', 'StepInDone', 'StepOutDone',
             'Terminated'):
    setattr(dap.handler, name, type(name, (ResponseBody,), {}))


class StoppedEvent(dap.events.StoppedEvent):
    # dap-python has strings; the specification says numbers.
    hitBreakpointIds: Optional[List[int]] = None


dap.handler.StoppedEvent = StoppedEvent


class Session:
    def __init__(self, adapter):
        self.process = subprocess.Popen(
            [adapter], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.client = Client(adapter_id='qdb')
        self.received = []
        self.arrived = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        self._flush()

    def _read(self):
        while True:
            data = os.read(self.process.stdout.fileno(), 65536)
            if not data:
                break
            with self.arrived:
                self.received.extend(self.client.receive(data))
                self.arrived.notify_all()

    def _flush(self):
        self.process.stdin.write(self.client.send())
        self.process.stdin.flush()

    def request(self, command, arguments=None):
        self.client.send_request(command, arguments)
        self._flush()

    def wait_for(self, kind, timeout=20):
        """The first message of type `kind` received, removed."""
        with self.arrived:
            found = self.arrived.wait_for(
                lambda: any(isinstance(m, (kind, ErrorResponse))
                            for m in self.received), timeout)
            if not found:
                raise SystemExit('timed out waiting for %s' % kind.__name__)
            message = next(m for m in self.received
                           if isinstance(m, (kind, ErrorResponse)))
            self.received.remove(message)
        if isinstance(message, ErrorResponse):
            raise SystemExit('request failed: %s' % message.message)
        return message


def main():
    adapter, program, line = sys.argv[1], sys.argv[2], int(sys.argv[3])
    session = Session(adapter)
    session.request('launch', {'program': program, 'args': ['12']})
    # Configuration waits for the adapter's word, as the protocol says.
    session.wait_for(InitializedEvent)
    session.request('setBreakpoints', {
        'source': {'path': program},
        'breakpoints': [{'line': line, 'condition': 'n == 7'}]})
    breakpoints = session.wait_for(SetBreakpointsResponse).breakpoints
    session.request('configurationDone')
    stopped = session.wait_for(StoppedEvent)
    session.request('stackTrace', {'threadId': stopped.threadId})
    frames = session.wait_for(StackTraceResponse).stackFrames
    session.request('scopes', {'frameId': frames[0].id})
    scopes = session.wait_for(ScopesResponse).scopes
    session.request('variables', {
        'variablesReference': scopes[0].variablesReference})
    variables = session.wait_for(VariablesResponse).variables
    session.request('setBreakpoints', {
        'source': {'path': program}, 'breakpoints': []})
    session.wait_for(SetBreakpointsResponse)
    session.request('continue', {'threadId': stopped.threadId})
    exited = session.wait_for(ExitedEvent)
    session.wait_for(TerminatedEvent)
    print(json.dumps({
        'verified': [b.verified for b in breakpoints],
        'reason': stopped.reason,
        'hit': stopped.hitBreakpointIds,
        'frames': [(f.name, f.line) for f in frames],
        'locals': {v.name: v.value for v in variables},
        'exitCode': exited.exitCode,
        'adapterStatus': session.process.wait(timeout=20),
    }))


if __name__ == '__main__':
    main()
