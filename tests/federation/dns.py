"""dnsmasq on a free loopback port, answering for the test domain only.

A/AAAA records (`--host-record`) point the test names at 127.0.0.x, SRV records (`--srv-host`)
delegate servers to other hosts and ports. `--local=/<domain>/` makes every other name in the
domain NXDOMAIN at once, and `--no-resolv` means nothing is ever asked upstream: no traffic
leaves loopback. Started in the foreground (`--no-daemon`) and stopped by its PID only.
"""
import os
import random
import signal
import socket
import struct
import subprocess
import tempfile
import time

DNSMASQ = "/usr/sbin/dnsmasq"
_START_TIMEOUT_S = 10


def free_udp_port(address="127.0.0.1"):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((address, 0))
        return s.getsockname()[1]


def _encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def query(server, port, name, qtype=1, timeout=1.0):
    """One UDP query; returns the response code (0 NOERROR, 3 NXDOMAIN) and the answer count."""
    ident = random.randrange(1 << 16)
    packet = struct.pack(">HHHHHH", ident, 0x0100, 1, 0, 0, 0) + _encode_name(name) + \
        struct.pack(">HH", qtype, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(packet, (server, port))
        data, _ = s.recvfrom(4096)
    got_id, flags, _, answers, _, _ = struct.unpack(">HHHHHH", data[:12])
    if got_id != ident:
        raise OSError("mismatched DNS answer")
    return flags & 0xF, answers


class Dnsmasq:
    """Records: hosts {name: [ip, ...]} (IPv4 and IPv6 mixed), srv [(service_name, target,
    port, priority, weight)], e.g. ("_matrix-fed._tcp.b.fedtest", "host.fedtest", 8449, 10, 5).
    """

    def __init__(self, domain, hosts, srv=(), address="127.0.0.1"):
        self.domain = domain
        self.address = address
        self.hosts = dict(hosts)
        self.srv = list(srv)
        self.port = None
        self.process = None
        self.directory = tempfile.mkdtemp(prefix="myelin-dns-")
        self.pid_file = os.path.join(self.directory, "dnsmasq.pid")
        self.log_path = os.path.join(self.directory, "dnsmasq.log")

    @property
    def server(self):
        """"ip:port", as myelin's federation.dns_servers and `--dns-server` take it."""
        return "%s:%d" % (self.address, self.port)

    def _arguments(self):
        args = [DNSMASQ, "--no-daemon", "--no-resolv", "--no-hosts", "--bind-interfaces",
                "--listen-address=" + self.address, "--port=%d" % self.port,
                "--pid-file=" + self.pid_file, "--local=/%s/" % self.domain,
                "--log-queries", "--log-facility=" + self.log_path, "--cache-size=0"]
        if os.geteuid() == 0:
            args.append("--user=root")  # keeps the pid and log files ours to remove
        for name, ips in self.hosts.items():
            args.append("--host-record=%s,%s" % (name, ",".join(ips)))
        for service, target, port, priority, weight in self.srv:
            args.append("--srv-host=%s,%s,%d,%d,%d" % (service, target, port, priority, weight))
        return args

    def start(self):
        for _ in range(5):  # the free port may be taken between probing and binding
            self.port = free_udp_port(self.address)
            self.process = subprocess.Popen(self._arguments(), stdin=subprocess.DEVNULL,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if self._wait_ready():
                return self
            self.stop()
        raise RuntimeError("dnsmasq did not start: " + self._stderr())

    def _wait_ready(self):
        probe = next(iter(self.hosts), "probe." + self.domain)
        deadline = time.monotonic() + _START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                query(self.address, self.port, probe, timeout=0.2)
                return True
            except OSError:
                time.sleep(0.02)
        return False

    def _stderr(self):
        if self.process is None or self.process.poll() is None:
            return ""
        return self.process.stderr.read().decode(errors="replace")

    def stop(self):
        if self.process is None:
            return
        process, self.process = self.process, None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        process.stderr.close()

    def log(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False
