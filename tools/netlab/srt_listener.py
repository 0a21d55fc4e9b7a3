#!/usr/bin/env python3
"""SRT listener that admits only known stream ids (an ingest's access check).

    ip netns exec nl-ing python3 srt_listener.py PORT ALLOWED_ID [REJECT_CODE]

Uses libsrt's own ``srt_listen_callback`` through ctypes: a caller whose
``streamid`` is not ALLOWED_ID is rejected during the handshake with
REJECT_CODE (default 1403, SRT_REJX_FORBIDDEN, from srt's
docs/API/rejection-codes.md), as ingests that check stream ids do.  An
admitted caller's data is read and thrown away.  Lab only: run by hand as
root inside a network namespace, never in CI.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import socket
import struct
import sys
import threading

LIB = ctypes.CDLL(ctypes.util.find_library("srt-gnutls") or "libsrt-gnutls.so.1.5")
HOOK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p
)


def main() -> None:
    port, allowed = int(sys.argv[1]), sys.argv[2].encode()
    code = int(sys.argv[3]) if len(sys.argv) > 3 else 1403
    LIB.srt_startup()
    sock = LIB.srt_create_socket()
    # sockaddr_in: sin_family in host order (Linux), port in network order
    addr = struct.pack("=H", socket.AF_INET) + struct.pack("!H", port) + bytes(12)
    if LIB.srt_bind(sock, addr, len(addr)) < 0:
        raise SystemExit("bind failed")

    @HOOK
    def hook(_opaque, new_sock, _hsversion, _peer, streamid):
        if (streamid or b"") == allowed:
            return 0
        LIB.srt_setrejectreason(new_sock, code)
        return -1

    LIB.srt_listen_callback(sock, hook, None)
    LIB.srt_listen(sock, 5)
    buf = ctypes.create_string_buffer(1500)
    while True:
        peer = ctypes.create_string_buffer(128)
        size = ctypes.c_int(128)
        conn = LIB.srt_accept(sock, peer, ctypes.byref(size))
        if conn < 0:
            continue

        def drain(c: int = conn) -> None:
            while LIB.srt_recvmsg(c, buf, 1500) > 0:
                pass
            LIB.srt_close(c)

        threading.Thread(target=drain, daemon=True).start()


if __name__ == "__main__":
    main()
