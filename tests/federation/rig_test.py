#!/usr/bin/python3
"""The federation rig and `myelin federation check`, against real DNS (dnsmasq), a test CA and
real myelin servers on 127.0.0.x.

Three working set-ups, one per way of being found (spec "Resolving server names"): the server
name's own address on 8448, a `_matrix-fed._tcp` SRV record, and /.well-known/matrix/server
(needs port 443: see netns.py). Each serves the federation endpoints over TLS that verifies
against the test CA at the address discovery finds, and the check passes for it. Broken set-ups,
each the common mistake an operator makes, fail the check with the FIX line for that mistake:
a self-signed certificate, an expired one, an SRV target whose certificate names the target
instead of the server name, a missing well-known, a closed 8448, another server_name in the keys.
key_server.py (python3-signedjson, Synapse's library) serves key documents the checker must
accept, and faulty ones (another server_name, expired) no myelin would serve.

Usage: rig_test.py PATH_TO_MYELIN
"""
import json
import os
import socket
import ssl
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import netns  # noqa: E402

PRIVATE_NETWORK = netns.enter_private_network()

from servers import (FederationRig, by_srv, by_well_known, can_bind_443,  # noqa: E402
                     plain, ServerSpec)
import harness  # noqa: E402  (servers.py put tests/e2e on the path)
import signedjson.key  # noqa: E402
from key_server import KeyServer, key_document  # noqa: E402

MYELIN = harness.myelin_path()
HAS_443 = can_bind_443("127.0.0.4")

KEY_PATH = "/_matrix/key/v2/server"
VERSION_PATH = "/_matrix/federation/v1/version"

WORKING = [
    plain("plain.fedtest", "127.0.0.2"),
    by_srv("srv.fedtest", "127.0.0.3", target="srv-host.fedtest", target_address="127.0.0.13"),
]
if HAS_443:
    WORKING.append(by_well_known("wk.fedtest", "127.0.0.4", host="wk-host.fedtest",
                                 host_address="127.0.0.14"))

BROKEN = [
    plain("selfsigned.fedtest", "127.0.0.5", cert="self_signed"),
    plain("expired.fedtest", "127.0.0.6", cert="expired"),
    # The classic SRV mistake: the target's own certificate, not one for the server name.
    by_srv("badsrv.fedtest", "127.0.0.7", target="badsrv-host.fedtest",
           target_address="127.0.0.17", cert_names=["badsrv-host.fedtest"]),
    # Runs on 127.0.0.9 with no federation listener at all.
    ServerSpec("closed.fedtest", "127.0.0.9", federation_port=None),
    # Calls itself other.fedtest: its keys are not those of wrongkeys.fedtest.
    plain("wrongkeys.fedtest", "127.0.0.10", server_name="other.fedtest",
          cert_names=["wrongkeys.fedtest"]),
]
if HAS_443:
    # A web server on the base domain without the document, the homeserver on another host.
    BROKEN.append(ServerSpec("nowk.fedtest", "127.0.0.8", host="nowk-host.fedtest",
                             host_address="127.0.0.18", serve_443=True))

# Where discovery must end up for each working set-up: (address, port, certificate name).
FOUND_AT = {
    "plain.fedtest": ("127.0.0.2", 8448, "plain.fedtest"),
    "srv.fedtest": ("127.0.0.13", 8449, "srv.fedtest"),
    "wk.fedtest": ("127.0.0.14", 8448, "wk-host.fedtest"),
}


def https_get(ca, address, port, tls_name, path, host=None):
    """GET over TLS verified against the test CA for `tls_name`. Returns (status, JSON)."""
    context = ssl.create_default_context(cafile=ca)
    with socket.create_connection((address, port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=tls_name) as tls:
            request = ("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
                       % (path, host or tls_name))
            tls.sendall(request.encode())
            data = b""
            while True:
                chunk = tls.recv(65536)
                if not chunk:
                    break
                data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body) if body else None


class FederationRigTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Names served by key_server.py (signedjson) rather than myelin.
        cls.rig = FederationRig(MYELIN, WORKING + BROKEN, extra_hosts={
            "signed.fedtest": ["127.0.0.20"], "foreign.fedtest": ["127.0.0.21"],
            "stale.fedtest": ["127.0.0.22"]}).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.rig.__exit__(None, None, None)

    def check(self, name):
        result = subprocess.run(self.rig.check_command(name), capture_output=True, text=True,
                                timeout=60)
        return result.returncode, result.stdout + result.stderr

    def keys_served(self):
        """Whether this build serves the key endpoint (the federation key routes exist)."""
        status, _ = https_get(self.rig.ca.ca_path, "127.0.0.2", 8448, "plain.fedtest", KEY_PATH)
        return status == 200

    # -- the rig itself ---------------------------------------------------------------------

    def test_dns_answers_for_the_test_domain(self):
        import dns as dnsmod
        server = self.rig.dns
        self.assertEqual(dnsmod.query(server.address, server.port, "plain.fedtest"), (0, 1))
        self.assertEqual(dnsmod.query(server.address, server.port, "_matrix-fed._tcp.srv.fedtest",
                                      qtype=33), (0, 1))
        self.assertEqual(dnsmod.query(server.address, server.port, "unknown.fedtest")[0], 3)

    def test_each_working_server_is_reachable_over_verified_tls_where_discovery_leads(self):
        served = self.keys_served()
        for spec in WORKING:
            address, port, tls_name = FOUND_AT[spec.name]
            with self.subTest(server=spec.name):
                status, body = https_get(self.rig.ca.ca_path, address, port, tls_name, KEY_PATH,
                                         host=spec.name)
                if served:
                    self.assertEqual(status, 200, body)
                    self.assertEqual(body["server_name"], spec.name)
                    self.assertTrue(body["verify_keys"])
                else:  # the TLS path works; the endpoint arrives with the key routes
                    self.assertEqual((status, body["errcode"]), (404, "M_UNRECOGNIZED"))

    @unittest.skipUnless(HAS_443, "port 443 cannot be bound here (not root, no namespace)")
    def test_well_known_is_served_on_the_base_domain(self):
        status, body = https_get(self.rig.ca.ca_path, "127.0.0.4", 443, "wk.fedtest",
                                 "/.well-known/matrix/server")
        self.assertEqual((status, body), (200, {"m.server": "wk-host.fedtest:8448"}))
        # Not configured: 404, which sends discovery on to SRV and 8448.
        status, body = https_get(self.rig.ca.ca_path, "127.0.0.8", 443, "nowk.fedtest",
                                 "/.well-known/matrix/server")
        self.assertEqual(status, 404)

    def test_broken_certificates_fail_verification(self):
        for address, port, name, reason in [
                ("127.0.0.5", 8448, "selfsigned.fedtest", "self-signed"),
                ("127.0.0.6", 8448, "expired.fedtest", "expired"),
                ("127.0.0.17", 8449, "badsrv.fedtest", "match")]:
            with self.subTest(server=name):
                with self.assertRaises(ssl.SSLCertVerificationError) as caught:
                    https_get(self.rig.ca.ca_path, address, port, name, VERSION_PATH)
                self.assertIn(reason, str(caught.exception))

    def test_clients_use_the_rig(self):
        for spec in WORKING:
            with self.subTest(server=spec.name):
                login = self.rig.register(spec.name, "alice")
                self.assertEqual(login["user_id"], "@alice:" + spec.name)
                self.assertTrue(self.rig.client_url(spec.name).startswith("http://"))

    def test_listeners_answer_only_their_resources(self):
        # The TLS federation listener does not expose the client or admin APIs...
        for path in ["/_matrix/client/versions", "/_synapse/admin/v1/server_version"]:
            with self.subTest(path=path):
                status, body = https_get(self.rig.ca.ca_path, "127.0.0.2", 8448,
                                         "plain.fedtest", path)
                self.assertEqual((status, body["errcode"]), (404, "M_UNRECOGNIZED"))
        # ...and the plain client listener takes no federation traffic.
        server = self.rig["plain.fedtest"]
        self.assertTrue(server.versions_ok())
        for path in [KEY_PATH, VERSION_PATH]:
            with self.subTest(path=path):
                status, body = server.request("GET", path)
                self.assertEqual((status, body["errcode"]), (404, "M_UNRECOGNIZED"))

    # -- myelin federation check --------------------------------------------------------------

    def test_check_passes_for_working_set_ups(self):
        served = self.keys_served()
        for spec in WORKING:
            with self.subTest(server=spec.name):
                code, output = self.check(spec.name)
                address, port, tls_name = FOUND_AT[spec.name]
                self.assertIn("TLS %s:%d" % (address, port), output)
                self.assertIn("certificate chain verified", output)
                self.assertIn("certificate names " + tls_name, output)
                if served:
                    self.assertEqual(code, 0, output)
                    self.assertIn("WORKS", output)
                    self.assertNotIn("FIX:", output)
                else:
                    # Everything up to the endpoints is right, so the only fixes are theirs.
                    self.assertEqual(code, 1, output)
                    fixes = [l for l in output.splitlines() if l.startswith("FIX:")]
                    self.assertTrue(fixes, output)
                    for fix in fixes:
                        self.assertTrue(VERSION_PATH in fix or KEY_PATH in fix, fix)

    def assert_fails_with(self, name, *fix_parts):
        code, output = self.check(name)
        self.assertEqual(code, 1, output)
        self.assertIn("FAILS", output)
        fixes = "\n".join(l for l in output.splitlines() if l.startswith("FIX:"))
        for part in fix_parts:
            self.assertIn(part, fixes, output)
        return output

    def test_self_signed_certificate(self):
        output = self.assert_fails_with("selfsigned.fedtest", "127.0.0.5:8448 is self-signed")
        # The server was found: discovery is not what needs fixing.
        self.assertNotIn("well-known/matrix/server on https://selfsigned", output)

    def test_expired_certificate(self):
        self.assert_fails_with("expired.fedtest", "127.0.0.6:8448 expired",
                               "2020 GMT: renew it")

    def test_srv_target_certificate_naming_the_target(self):
        self.assert_fails_with(
            "badsrv.fedtest",
            "the SRV target badsrv-host.fedtest:8449 presents a certificate for "
            "badsrv-host.fedtest, but SRV delegation needs a certificate for the server name "
            "badsrv.fedtest")

    @unittest.skipUnless(HAS_443, "port 443 cannot be bound here (not root, no namespace)")
    def test_missing_well_known(self):
        self.assert_fails_with(
            "nowk.fedtest",
            "no working /.well-known/matrix/server on https://nowk.fedtest/ "
            "(https://nowk.fedtest/.well-known/matrix/server answers 404)",
            "port 8448 on nowk.fedtest (127.0.0.8) is closed")

    def test_closed_8448(self):
        self.assert_fails_with("closed.fedtest", "port 8448 on closed.fedtest (127.0.0.9) is closed")

    def test_wrong_server_name_in_keys(self):
        if not self.keys_served():
            self.skipTest("this build does not serve %s yet" % KEY_PATH)
        self.assert_fails_with("wrongkeys.fedtest",
                               "calls itself \"other.fedtest\" in its keys, not "
                               "\"wrongkeys.fedtest\"")

    def key_server(self, name, address, **document_options):
        cert, key = self.rig.ca.issue(name.split(".")[0], [name])
        signing_key = signedjson.key.generate_signing_key("k1")
        document = key_document(document_options.pop("server_name", name), signing_key,
                                **document_options)
        return KeyServer(address, 8448, cert, key, document)

    def test_check_passes_for_keys_signed_by_signedjson(self):
        # The whole path to "WORKS" against an independent implementation of signed JSON.
        with self.key_server("signed.fedtest", "127.0.0.20"):
            code, output = self.check("signed.fedtest")
        self.assertEqual(code, 0, output)
        self.assertIn("Verdict: federation with signed.fedtest WORKS", output)
        self.assertIn("self-signatures verify", output)
        self.assertNotIn("FIX:", output)

    def test_keys_of_another_server_name(self):
        with self.key_server("foreign.fedtest", "127.0.0.21", server_name="other.fedtest"):
            self.assert_fails_with("foreign.fedtest",
                                   "calls itself \"other.fedtest\" in its keys, not "
                                   "\"foreign.fedtest\"")

    def test_expired_keys(self):
        with self.key_server("stale.fedtest", "127.0.0.22", valid_until_ms=1000):
            output = self.assert_fails_with("stale.fedtest", "the key document at "
                                            "127.0.0.22:8448 is not usable")
        self.assertIn("valid_until_ts 1000 is in the past", output)

    def test_unknown_name(self):
        self.assert_fails_with("nowhere.fedtest", "no address for nowhere.fedtest")

    def test_check_reads_resolver_and_ca_from_the_config(self):
        # trusted_ca_files (the test CA) from the server's config, no --ca-file; the resolver
        # from federation.dns_servers when this build has the setting, else --dns-server.
        server = self.rig["plain.fedtest"]
        command = [MYELIN, "federation", "check", "srv.fedtest", "-c", server.config_path]
        if not self.rig.federation_config:
            command += ["--dns-server", self.rig.dns.server]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        output = result.stdout + result.stderr
        self.assertIn("TLS 127.0.0.13:8449", output)
        self.assertIn("certificate chain verified", output)
        # Without the test CA the same chain is refused.
        result = subprocess.run([MYELIN, "federation", "check", "srv.fedtest", "--dns-server",
                                 self.rig.dns.server], capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("certificate chain does not verify", result.stdout)

    def test_check_usage_errors(self):
        result = subprocess.run([MYELIN, "federation", "check", "a.fedtest", "-c",
                                 "/nonexistent/homeserver.yaml"], capture_output=True, text=True,
                                timeout=60)
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        result = subprocess.run([MYELIN, "federation", "check"], capture_output=True, text=True,
                                timeout=60)
        self.assertNotEqual(result.returncode, 0)

if __name__ == "__main__":
    if not PRIVATE_NETWORK:
        print("federation test: host network namespace; port 443 %s" %
              ("available" if HAS_443 else "NOT available: well-known set-ups skipped"),
              file=sys.stderr)
    unittest.main(argv=sys.argv[:1], verbosity=2)
