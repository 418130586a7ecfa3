#!/usr/bin/env python3
"""Fills a sale's waiting line: issues TOTAL queue tokens for distinct new users in the
sale of CONCERT (default 1), pipelined over 8 connections, as fast as the server takes them.

Usage: fill-line.py PORT TOTAL [CONCERT]
Start the server on a fresh database with --max-active 0 so every token stays WAITING.
"""
import socket, struct, uuid, threading, sys
PORT=int(sys.argv[1]); TOTAL=int(sys.argv[2]); CONCERT=int(sys.argv[3]) if len(sys.argv)>3 else 1; CONNS=8
method=b"/concert.v1.AuthService/IssueToken"
def frame(i):
    uid=str(uuid.uuid4()).encode()
    payload=b"\x0a"+bytes([len(uid)])+uid+b"\x10"+varint(CONCERT)
    env=b"\x08"+varint(i)+b"\x12"+bytes([len(method)])+method+b"\x2a"+bytes([len(payload)])+payload
    return struct.pack(">I",len(env))+env
def varint(n):
    out=b""
    while True:
        b=n&0x7f; n>>=7
        if n: out+=bytes([b|0x80])
        else: return out+bytes([b])
def worker(k, count):
    s=socket.create_connection(("127.0.0.1",PORT))
    def reader():
        buf=b""; got=0
        while got<count:
            data=s.recv(1<<20)
            if not data: break
            buf+=data
            while len(buf)>=4:
                n=struct.unpack(">I",buf[:4])[0]
                if len(buf)<4+n: break
                buf=buf[4+n:]; got+=1
        print(f"conn {k}: {got} answers", flush=True)
    t=threading.Thread(target=reader); t.start()
    batch=[]
    for i in range(1,count+1):
        batch.append(frame(i))
        if len(batch)==2000: s.sendall(b"".join(batch)); batch=[]
    if batch: s.sendall(b"".join(batch))
    t.join()
ts=[threading.Thread(target=worker,args=(k,TOTAL//CONNS)) for k in range(CONNS)]
[t.start() for t in ts]; [t.join() for t in ts]
