#!/usr/bin/env python3
"""Prints the FNV-1a 64-bit digest of the .proto files under a folder.

The digest covers each file's path relative to the folder and its bytes, in
sorted path order. ProtocolStalenessTests computes the same digest in Swift and
compares it with the one recorded in the generated code.
"""

import os
import sys


def digest(root):
    h = 0xcbf29ce484222325
    paths = []
    for folder, _, files in os.walk(root):
        paths += [os.path.relpath(os.path.join(folder, f), root) for f in files if f.endswith(".proto")]
    for rel in sorted(paths):
        with open(os.path.join(root, rel), "rb") as fh:
            data = rel.encode() + b"\0" + fh.read() + b"\0"
        for byte in data:
            h ^= byte
            h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


if __name__ == "__main__":
    print(digest(sys.argv[1]))
