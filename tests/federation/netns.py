"""Runs a federation test in a private network namespace when it can.

The rig binds fixed ports (8448 for federation, 443 for well-known documents) on 127.0.0.x. In a
namespace of its own, a test never collides with another test running at the same time, and a
user who is not root may bind 443 there: `unshare --user --map-root-user --net` makes the test
root of a namespace that holds only its own loopback interface. Nothing can leave it either.

When namespaces are not allowed (some hardened kernels and containers), the test runs in the
host's network as it is; `can_bind_443()` in servers.py then says whether the well-known set-ups
can run.
"""
import fcntl
import os
import socket
import struct
import subprocess
import sys

_MARKER = "MYELIN_FEDERATION_NETNS"
_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914
_IFF_UP = 0x1


def _loopback_up():
    """A new network namespace starts with `lo` down; bring it up (ip link set lo up)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(s, _SIOCGIFFLAGS, request)[:18])[1]
        fcntl.ioctl(s, _SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | _IFF_UP))


def _unshare_command():
    if os.geteuid() == 0:
        return ["unshare", "--net", "--"]
    return ["unshare", "--user", "--map-root-user", "--net", "--"]


def enter_private_network():
    """Re-runs this script inside a new network namespace and exits with its status; returns
    True inside it, False when no namespace could be made (the test then runs as it is).

    MYELIN_FEDERATION_NETNS=0 disables it (to watch the servers from outside, say).
    """
    state = os.environ.get(_MARKER)
    if state == "inside":
        _loopback_up()
        return True
    if state == "0" or state == "unavailable":
        return False
    probe = subprocess.run(_unshare_command() + ["/bin/true"], capture_output=True)
    if probe.returncode != 0:
        print("federation test: no private network namespace (%s); using the host's" %
              probe.stderr.decode(errors="replace").strip(), file=sys.stderr)
        os.environ[_MARKER] = "unavailable"
        return False
    env = dict(os.environ, **{_MARKER: "inside"})
    command = _unshare_command() + [sys.executable] + sys.argv
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(subprocess.run(command, env=env).returncode)
