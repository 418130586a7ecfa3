#!/usr/bin/env python3
"""Opens N connections to a concert-server, sends a health check on each, waits until
every one is answered, then holds them all open for a few seconds.

Usage: hold-connections.py PORT N SECONDS
Used by tools/benchmark to measure the server's resident memory with N connections open.
"""

import socket
import struct
import sys
import time

HEALTH = bytes([0x00, 0x00, 0x00, 0x24, 0x08, 0x01, 0x12, 0x20]) + b"/concert.v1.SystemService/Health"


def main():
    port, count, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    connections = []
    for _ in range(count):
        connection = socket.create_connection(("127.0.0.1", port))
        connection.sendall(HEALTH)
        connections.append(connection)
    for connection in connections:
        length = struct.unpack(">I", connection.recv(4, socket.MSG_WAITALL))[0]
        connection.recv(length, socket.MSG_WAITALL)
    print(f"{count} connections open and answered", flush=True)
    time.sleep(seconds)


if __name__ == "__main__":
    main()
