#!/usr/bin/env python3
"""Send one obs-websocket (protocol 5) request to a local OBS, stdlib only.

    python3 obsctl.py StopStream [PORT]

The lab starts OBS with ``--startstreaming`` and stops the stream through
its websocket server (authentication off, loopback inside the lab's
namespace) so that OBS logs its end-of-stream statistics (dropped frames,
total frames) as it does when a person clicks "Stop Streaming".
"""

from __future__ import annotations

import base64
import json
import os
import socket
import struct
import sys


def _send(sock: socket.socket, text: str) -> None:
    data = text.encode()
    mask = os.urandom(4)
    header = bytes([0x81])
    if len(data) < 126:
        header += bytes([0x80 | len(data)])
    else:
        header += bytes([0x80 | 126]) + struct.pack("!H", len(data))
    sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))


def _recv(sock: socket.socket) -> dict:
    head = sock.recv(2)
    length = head[1] & 0x7F
    if length == 126:
        length = struct.unpack("!H", sock.recv(2))[0]
    elif length == 127:
        length = struct.unpack("!Q", sock.recv(8))[0]
    data = b""
    while len(data) < length:
        data += sock.recv(length - len(data))
    return json.loads(data)


def main() -> None:
    request = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 4455
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Protocol: obswebsocket.json\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:
        response += sock.recv(1)
    _recv(sock)  # Hello
    _send(sock, json.dumps({"op": 1, "d": {"rpcVersion": 1}}))
    _recv(sock)  # Identified
    _send(sock, json.dumps({"op": 6, "d": {"requestType": request, "requestId": "lab"}}))
    print(json.dumps(_recv(sock)))


if __name__ == "__main__":
    main()
