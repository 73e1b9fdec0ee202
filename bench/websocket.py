"""A minimal blocking WebSocket client (RFC 6455, standard library only)
speaking qdb's client protocol, for the benchmarks."""

import base64
import hashlib
import json
import os
import socket
import struct

GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'


class Client(object):
    def __init__(self, host, port, path, timeout=30):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode('ascii')
        self.sock.sendall(
            (
                'GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n'
                'Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n'
                'Sec-WebSocket-Version: 13\r\n\r\n' % (path, host, port, key)
            ).encode('ascii')
        )
        self.buffer = b''
        while b'\r\n\r\n' not in self.buffer:
            self._fill()
        head, _, self.buffer = self.buffer.partition(b'\r\n\r\n')
        accept = base64.b64encode(
            hashlib.sha1((key + GUID).encode('ascii')).digest()
        )
        if b' 101 ' not in head.split(b'\r\n')[0] or accept not in head:
            raise ConnectionError('WebSocket handshake refused: %r' % head)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError('connection closed')
        self.buffer += chunk

    def _take(self, count):
        while len(self.buffer) < count:
            self._fill()
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def send(self, message):
        payload = json.dumps(message).encode('utf-8')
        header = bytearray([0x81])
        if len(payload) < 126:
            header.append(0x80 | len(payload))
        elif len(payload) < 65536:
            header += bytes([0x80 | 126]) + struct.pack('>H', len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack('>Q', len(payload))
        mask = os.urandom(4)
        masked = bytes(
            byte ^ mask[index % 4] for index, byte in enumerate(payload)
        )
        self.sock.sendall(bytes(header) + mask + masked)

    def receive(self):
        """The next message (fragments joined), or None at a close frame."""
        parts = []
        while True:
            first, second = self._take(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack('>H', self._take(2))[0]
            elif length == 127:
                length = struct.unpack('>Q', self._take(8))[0]
            payload = self._take(length)
            opcode = first & 0x0F
            if opcode == 0x8:
                return None
            if opcode in (0x0, 0x1, 0x2):
                parts.append(payload)
                if first & 0x80:
                    return json.loads(b''.join(parts).decode('utf-8'))

    def receive_until(self, event):
        """Messages up to and including the first `event`."""
        received = []
        while True:
            message = self.receive()
            if message is None:
                raise EOFError('session ended before %r' % event)
            received.append(message)
            if message.get('e') == event:
                return received

    def close(self):
        self.sock.close()
