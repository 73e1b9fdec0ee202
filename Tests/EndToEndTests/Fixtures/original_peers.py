"""Peers written against the ORIGINAL qdb, run against a qdb server.

A tracer speaking the original framing (4-byte signed big-endian length,
then JSON as Python's json module writes it, non-ASCII escaped) and a
client speaking RFC 6455 with nothing but the standard library, the way
the original's clients did. They run one session through the server and
check every message either side receives.

Usage: original_peers.py TRACER_PORT CLIENT_PORT
Prints one line per received message, then "OK"; exits 1 on the first
surprise.
"""
import base64
import hashlib
import json
import os
import socket
import struct
import sys

HOST = '127.0.0.1'
TIMEOUT = 10
GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'


def fail(message):
    print('FAIL: ' + message)
    sys.exit(1)


def recv_exact(sock, count):
    data = b''
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


class Tracer(object):
    def __init__(self, port):
        self.sock = socket.create_connection((HOST, port), timeout=TIMEOUT)

    def send(self, event, payload=None):
        body = json.dumps({'e': event, 'p': payload}).encode('utf-8')
        self.sock.sendall(struct.pack('>i', len(body)) + body)

    def receive(self):
        try:
            length = struct.unpack('>i', recv_exact(self.sock, 4))[0]
        except EOFError:
            return {'_eof': True}
        return json.loads(recv_exact(self.sock, length).decode('utf-8'))


class Client(object):
    def __init__(self, port, path):
        self.sock = socket.create_connection((HOST, port), timeout=TIMEOUT)
        key = base64.b64encode(os.urandom(16)).decode('ascii')
        self.sock.sendall((
            'GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n'
            'Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n'
            'Sec-WebSocket-Version: 13\r\n\r\n' % (path, HOST, port, key)
        ).encode('ascii'))
        head = b''
        while b'\r\n\r\n' not in head:
            head += self.sock.recv(1)
        lines = head.decode('latin-1').split('\r\n')
        if lines[0].split()[1] != '101':
            fail('handshake answered ' + lines[0])
        accept = base64.b64encode(hashlib.sha1(
            (key + GUID).encode('ascii')).digest()).decode('ascii')
        headers = dict((name.strip().lower(), value.strip()) for name, _, value
                       in (line.partition(':') for line in lines[1:]))
        if headers.get('sec-websocket-accept') != accept:
            fail('bad Sec-WebSocket-Accept')

    def send(self, event, payload=None):
        data = json.dumps({'e': event, 'p': payload}).encode('utf-8')
        mask = os.urandom(4)
        header = bytearray([0x81])
        if len(data) < 126:
            header.append(0x80 | len(data))
        else:
            header.append(0x80 | 126)
            header += struct.pack('>H', len(data))
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(bytes(header) + mask + masked)

    def receive(self):
        first, second = recv_exact(self.sock, 2)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack('>H', recv_exact(self.sock, 2))[0]
        elif length == 127:
            length = struct.unpack('>Q', recv_exact(self.sock, 8))[0]
        payload = recv_exact(self.sock, length)
        opcode = first & 0x0F
        if opcode == 0x8:
            code = struct.unpack('>H', payload[:2])[0] if payload else 1005
            return {'_close': code}
        return json.loads(payload.decode('utf-8'))


def expect(who, peer, wanted):
    got = peer.receive()
    print('%s <- %s' % (who, json.dumps(got, sort_keys=True)))
    if got != wanted:
        fail('%s expected %s' % (who, json.dumps(wanted, sort_keys=True)))


def main():
    tracer_port, client_port = int(sys.argv[1]), int(sys.argv[2])
    uuid = 'original-peers'
    stack = {'index': 0, 'stack': [
        {'file': '/tmp/p.py', 'line': 1, 'func': '<module>', 'code': 'x = 1'}]}

    tracer = Tracer(tracer_port)
    tracer.send('start', {'uuid': uuid, 'auth': '', 'local': [0, 0]})
    tracer.send('watchlist', [])
    tracer.send('stack', stack)

    client = Client(client_port, '/' + uuid)
    client.send('start', '')
    expect('client', client, {'e': 'watchlist', 'p': []})
    expect('client', client, {'e': 'stack', 'p': stack})
    expect('tracer', tracer, {'e': 'start', 'p': ''})

    tracer.send('breakpoints', [])
    tracer.send('watchlist', [])
    tracer.send('stack', stack)
    expect('client', client, {'e': 'breakpoints', 'p': []})
    expect('client', client, {'e': 'watchlist', 'p': []})
    expect('client', client, {'e': 'stack', 'p': stack})

    client.send('step')
    expect('tracer', tracer, {'e': 'step', 'p': None})
    output = {'input': '<stdout>', 'exc': False, 'output': u'caf\u00e9\n'}
    tracer.send('print', output)
    expect('client', client, {'e': 'print', 'p': output})

    tracer.send('disabled')
    expect('client', client, {'e': 'disable', 'p': None})
    expect('client', client, {'_close': 1005})
    expect('tracer', tracer, {'e': 'disable', 'p': 'soft'})
    expect('tracer', tracer, {'_eof': True})
    print('OK')


if __name__ == '__main__':
    main()
