#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A GET_PORT dump of the ovnmig genl family, read chunk by chunk with
raw netlink (an oracle independent of user/agent/vifevents.c).

Usage: genl_dump.py [--pause READY GO]
Prints one line per port "port IFINDEX NAME", then "chunks N",
"intr 0|1" (some message or the NLMSG_DONE carried NLM_F_DUMP_INTR) and
"done 1".  It reads with a 4 KiB buffer, which keeps the kernel's
chunks at about 4 KiB (30 ports).  With --pause it reads the first
chunk, creates READY and waits (at most 60 s) for GO to exist before
reading the rest.  The kernel builds the second chunk while the first
is read, so a change made during the pause shows from the third on.
"""
import os
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_DUMP = 1, 2, 4, 0x300
NLM_F_DUMP_INTR = 0x10
NLMSG_ERROR, NLMSG_DONE = 2, 3
# include/ovnmig/genl.h
OVNMIG_CMD_GET_PORT = 2
OVNMIG_A_IFINDEX, OVNMIG_A_IFNAME = 2, 3


def attrs(buf):
    out = {}
    while len(buf) >= 4:
        alen, atype = struct.unpack_from("=HH", buf)
        if alen < 4:
            break
        out[atype & 0x3fff] = buf[4:alen]
        buf = buf[(alen + 3) & ~3:]
    return out


def msgs(data):
    while len(data) >= 16:
        mlen, mtype, flags, _seq, _pid = struct.unpack_from("=IHHII", data)
        if mlen < 16 or mlen > len(data):
            raise SystemExit("genl_dump: truncated netlink message")
        yield mtype, flags, data[16:mlen]
        data = data[(mlen + 3) & ~3:]


def request(sock, mtype, flags, cmd, payload=b""):
    hdr = struct.pack("=IHHII", 16 + 4 + len(payload), mtype,
                      NLM_F_REQUEST | flags, 1, 0)
    sock.send(hdr + struct.pack("=BBH", cmd, 1, 0) + payload)


def family_id(name):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    s.bind((0, 0))
    n = name.encode() + b"\0"
    a = struct.pack("=HH", 4 + len(n), CTRL_ATTR_FAMILY_NAME) + n
    a += b"\0" * (-len(a) % 4)
    request(s, GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY, a)
    for mtype, _f, body in msgs(s.recv(65536)):
        if mtype == NLMSG_ERROR:
            err = struct.unpack_from("=i", body)[0]
            raise SystemExit("genl_dump: no family %s (%d)" % (name, err))
        return struct.unpack("=H", attrs(body[4:])[CTRL_ATTR_FAMILY_ID][:2])[0]
    raise SystemExit("genl_dump: no reply from nlctrl")


def main():
    pause = None
    if len(sys.argv) == 4 and sys.argv[1] == "--pause":
        pause = sys.argv[2:]
    elif len(sys.argv) != 1:
        raise SystemExit(__doc__)
    fam = family_id("ovnmig")
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    s.bind((0, 0))
    request(s, fam, NLM_F_DUMP, OVNMIG_CMD_GET_PORT)
    chunks = intr = 0
    done = False
    while not done:
        data = s.recv(4096)
        chunks += 1
        for mtype, flags, body in msgs(data):
            if flags & NLM_F_DUMP_INTR:
                intr = 1
            if mtype == NLMSG_DONE:
                done = True
            elif mtype == NLMSG_ERROR:
                raise SystemExit("genl_dump: error %d" %
                                 struct.unpack_from("=i", body)[0])
            elif mtype == fam:
                a = attrs(body[4:])
                print("port %d %s" % (
                    struct.unpack("=I", a[OVNMIG_A_IFINDEX][:4])[0],
                    a[OVNMIG_A_IFNAME].rstrip(b"\0").decode()), flush=True)
        if pause and chunks == 1 and not done:
            open(pause[0], "w").close()
            end = time.monotonic() + 60
            while not os.path.exists(pause[1]):
                if time.monotonic() > end:
                    raise SystemExit("genl_dump: %s never came" % pause[1])
                time.sleep(0.05)
    print("chunks %d" % chunks)
    print("intr %d" % intr)
    print("done 1")


main()
