"""Several real myelin servers on their own loopback addresses, with a test CA and real DNS.

    with FederationRig(binary, [plain("a.fedtest", "127.0.0.2"),
                                by_srv("b.fedtest", "127.0.0.3", target="host-b.fedtest"),
                                by_well_known("c.fedtest", "127.0.0.4",
                                              host="host-c.fedtest", host_address="127.0.0.14")
                                ]) as rig:
        alice = rig["a.fedtest"].register("alice")

Each server is a `myelin serve` (tests/e2e/harness.py's Homeserver) with a plain-http client
listener on <address>:<free port> (what tests talk to) and a TLS federation listener with a
certificate from the rig's CA (pki.TestCA), trusted by every server via `trusted_ca_files`.
dnsmasq (dns.Dnsmasq) answers for the test domain: A records for every name, and
`_matrix-fed._tcp` SRV records for servers delegated that way. Three ways of being found, as the
spec's "Resolving server names" lists them:

- plain: the server name resolves to the server, which listens on 8448;
- SRV: `_matrix-fed._tcp.<name>` names another host and port (the certificate is still for the
  server name: SRV changes only where we connect);
- well-known: https://<name>/.well-known/matrix/server (port 443, served by myelin itself from
  `well_known.server`) delegates to another host[:port], whose certificate names that host.

The well-known set-up needs port 443, and every server binds fixed ports (8448, 443) on its
127.0.0.x. A test script should therefore call `netns.enter_private_network()` first (before
anything else runs): it re-runs the script in a network namespace of its own, where a user who
is not root may bind 443 and no other test's servers can collide. Where namespaces are not
allowed, `can_bind_443()` says whether root (or a lowered net.ipv4.ip_unprivileged_port_start)
lets us bind it anyway; tests skip the well-known set-ups when it is False, and should use
127.0.0.x addresses no other federation test uses.

Broken set-ups, for tests of refusal and of `myelin federation check`, are the same specs with
`cert="self_signed"`, `cert="expired"`, `cert_names=[...]` (the wrong host), no federation
listener (`federation_port=None`), or another `server_name` than the DNS name.
"""
import concurrent.futures
import dataclasses
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import typing

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))

import harness  # noqa: E402
from dns import Dnsmasq  # noqa: E402
from pki import TestCA  # noqa: E402

FEDERATION_PORT = 8448
WELL_KNOWN_PORT = 443


def can_bind_443(address="127.0.0.1"):
    """Whether this process may listen on port 443 (root, or unprivileged ports start low)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((address, WELL_KNOWN_PORT))
        return True
    except PermissionError:
        return False
    except OSError:
        return True  # in use by someone else: permitted, just busy


@dataclasses.dataclass
class ServerSpec:
    name: str                       # the server name other servers are asked to find
    address: typing.Optional[str]   # where `name` resolves (A record); None: no record
    # The federation listener: host name (A record → host_address) and port.
    host: typing.Optional[str] = None          # None: `name` itself
    host_address: typing.Optional[str] = None  # None: `address`
    federation_port: typing.Optional[int] = FEDERATION_PORT  # None: no federation listener
    srv: bool = False               # publish _matrix-fed._tcp.<name> → host:federation_port
    well_known: typing.Optional[str] = None  # served at https://<name>/.well-known/matrix/server
    serve_443: bool = False         # an https listener on address:443 (for the well-known)
    cert: str = "ca"                # "ca", "self_signed" or "expired"
    cert_names: typing.Optional[list] = None  # default: name and host
    server_name: typing.Optional[str] = None  # myelin's server_name; default: name
    config: str = ""                # more YAML for this server

    @property
    def federation_host(self):
        return self.host or self.name

    @property
    def federation_address(self):
        return self.host_address or self.address

    def names_in_cert(self):
        if self.cert_names is not None:
            return list(self.cert_names)
        names = [self.name]
        if self.host and self.host != self.name:
            names.append(self.host)
        return names


def plain(name, address, **kw):
    """Found at <name>:8448 directly."""
    return ServerSpec(name, address, **kw)


def by_srv(name, address, target, target_address=None, port=8449, **kw):
    """_matrix-fed._tcp.<name> → target:port; the certificate is for `name` (spec)."""
    kw.setdefault("cert_names", [name])
    return ServerSpec(name, address, host=target, host_address=target_address or address,
                      federation_port=port, srv=True, **kw)


def by_well_known(name, address, host, host_address=None, port=FEDERATION_PORT, **kw):
    """https://<name>/.well-known/matrix/server says host:port; the certificate names both."""
    return ServerSpec(name, address, host=host, host_address=host_address or address,
                      federation_port=port, well_known="%s:%d" % (host, port), serve_443=True,
                      **kw)


def _listeners_yaml(spec, client_address):
    entries = ["  - port: 0\n    bind_addresses: ['%s']\n    tls: false\n"
               "    resources:\n      - names: [client]\n" % client_address]
    if spec.federation_port is not None:
        entries.append("  - port: %d\n    bind_addresses: ['%s']\n    tls: true\n"
                       "    resources:\n      - names: [federation]\n"
                       % (spec.federation_port, spec.federation_address))
    if spec.serve_443:
        entries.append("  - port: %d\n    bind_addresses: ['%s']\n    tls: true\n"
                       "    resources:\n      - names: [client]\n"
                       % (WELL_KNOWN_PORT, spec.address))
    return "listeners:\n" + "".join(entries)


def supports_federation_config(binary):
    """Whether this myelin knows the `federation:` config group (dns_servers)."""
    result = subprocess.run([binary, "generate-config", "--server-name", "probe.invalid",
                             "--data-dir", tempfile.gettempdir()],
                            capture_output=True, timeout=30)
    return b"dns_servers" in result.stdout


class FederatedServer(harness.Homeserver):
    """A Homeserver whose listeners are the rig's (client on http, federation on https)."""

    def __init__(self, binary, spec, extra_config):
        self.spec = spec
        self._extra = extra_config
        super().__init__(binary, server_name=spec.server_name or spec.name,
                         config=harness.Homeserver.OPEN_REGISTRATION + extra_config)

    def _generate_config(self):
        super()._generate_config()
        with open(self.config_path) as f:
            text = f.read()
        client_address = self.spec.address or self.spec.federation_address or "127.0.0.1"
        # Replace the generated listeners block (up to the next top-level key) with the rig's.
        text, count = re.subn(r"(?ms)^listeners:.*?(?=^\S)",
                              lambda _: _listeners_yaml(self.spec, client_address), text, count=1)
        assert count == 1, "no listeners block in the generated config"
        with open(self.config_path, "w") as f:
            f.write(text)

    @property
    def federation_url(self):
        if self.spec.federation_port is None:
            return None
        return "https://%s:%d" % (self.spec.federation_address, self.spec.federation_port)


class FederationRig:
    """The CA, dnsmasq and every server; a context manager that stops all of them by PID."""

    def __init__(self, binary, servers, domain="fedtest", extra_hosts=None):
        self.binary = binary
        self.specs = list(servers)
        self.extra_hosts = dict(extra_hosts or {})  # more A/AAAA records: {name: [ip, ...]}
        self.domain = domain
        self.directory = tempfile.mkdtemp(prefix="myelin-fed-")
        self.ca = None
        self.dns = None
        self.servers = {}
        self.federation_config = None

    # -- set-up --------------------------------------------------------------------------------

    def _records(self):
        hosts, srv = {k: list(v) for k, v in self.extra_hosts.items()}, []
        for spec in self.specs:
            if spec.address:
                hosts.setdefault(spec.name, []).append(spec.address)
            if spec.host and spec.federation_address:
                hosts.setdefault(spec.host, []).append(spec.federation_address)
            if spec.srv:
                srv.append(("_matrix-fed._tcp." + spec.name, spec.federation_host,
                            spec.federation_port, 10, 5))
        return {k: sorted(set(v)) for k, v in hosts.items()}, srv

    def _certificate(self, spec, label):
        names = spec.names_in_cert()
        if spec.cert == "self_signed":
            return self.ca.self_signed(label, names)
        if spec.cert == "expired":
            return self.ca.issue_expired(label, names)
        assert spec.cert == "ca", spec.cert
        return self.ca.issue(label, names)

    def _server_config(self, spec, cert, key):
        lines = ["tls_certificate_path: %s" % cert, "tls_private_key_path: %s" % key,
                 "trusted_ca_files: [%s]" % self.ca.ca_path]
        if spec.well_known:
            lines.append("well_known: {server: \"%s\"}" % spec.well_known)
        if self.federation_config:
            lines.append(self.federation_config)
        return "\n".join(lines) + "\n" + spec.config + "\n"

    def start(self):
        self.ca = TestCA(os.path.join(self.directory, "ca"))
        hosts, srv = self._records()
        self.dns = Dnsmasq(self.domain, hosts, srv).start()
        if supports_federation_config(self.binary):
            self.federation_config = "federation: {dns_servers: [\"%s\"]}" % self.dns.server
        for i, spec in enumerate(self.specs):
            cert, key = self._certificate(spec, "server%d" % i)
            self.servers[spec.name] = FederatedServer(self.binary, spec,
                                                      self._server_config(spec, cert, key))
        # Start them side by side: each start waits for its own readiness line.
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(self.servers) or 1) as pool:
            for future in [pool.submit(s.start) for s in self.servers.values()]:
                future.result()
        return self

    def close(self):
        errors = []
        for server in self.servers.values():
            try:
                server.close()
            except Exception as e:  # every server is stopped even when one fails to
                errors.append(e)
        if self.dns:
            self.dns.stop()
        if os.environ.get("MYELIN_E2E_KEEP") == "1":
            print("myelin federation rig: kept %s" % self.directory, file=sys.stderr)
        else:
            shutil.rmtree(self.directory, ignore_errors=True)
        if errors:
            raise errors[0]

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self._kill_all()
            raise

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            for server in self.servers.values():
                if server.process is not None:
                    print("== %s ==\n%s" % (server.spec.name, server.stderr_tail(15)),
                          file=sys.stderr)
            self._kill_all()
        else:
            self.close()
        return False

    def _kill_all(self):
        for server in self.servers.values():
            server._kill()
        try:
            self.close()
        except Exception:
            pass

    # -- use -----------------------------------------------------------------------------------

    def __getitem__(self, name):
        return self.servers[name]

    def client_url(self, name):
        return self.servers[name].base_url

    def register(self, name, username, **kw):
        return self.servers[name].register(username, **kw)

    def check_command(self, server_name, *extra):
        """`myelin federation check` as an operator runs it against this rig's DNS and CA."""
        return [self.binary, "federation", "check", server_name,
                "--dns-server", self.dns.server, "--ca-file", self.ca.ca_path] + list(extra)
