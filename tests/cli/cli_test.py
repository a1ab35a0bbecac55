#!/usr/bin/python3
"""End-to-end tests of the `myelin` binary's operator commands, run as a user would run them.

Usage: cli_test.py PATH_TO_MYELIN
Checks the outputs against Debian's python3-canonicaljson and python3-signedjson (Synapse's own
libraries), so the binary is judged by an implementation nobody here wrote.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import canonicaljson
import signedjson.key
import signedjson.sign

MYELIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/myelin"


def run(*args, stdin=None):
    return subprocess.run([MYELIN, *args], input=stdin, capture_output=True, timeout=30)


class VersionTest(unittest.TestCase):
    def test_version(self):
        result = run("--version")
        self.assertEqual(result.returncode, 0)
        self.assertRegex(result.stdout.decode(), r"^myelin \d+\.\d+\.\d+\n$")


class JsonCanonicalTest(unittest.TestCase):
    def test_matches_python_canonicaljson(self):
        value = {"b": [1, "\u00e9\U0001f600", None], "a": {"\u65e5": True, "\n": -5}, "": ""}
        result = run("json", "canonical", stdin=json.dumps(value, indent=2).encode())
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, canonicaljson.encode_canonical_json(value) + b"\n")

    def test_bad_input_exits_non_zero_with_reason(self):
        for bad in [b"", b"{", b"[1,]", b'{"a":"\xff"}', b'["\\ud800"]']:
            result = run("json", "canonical", stdin=bad)
            self.assertEqual(result.returncode, 1, bad)
            self.assertEqual(result.stdout, b"")
            self.assertIn(b"invalid JSON", result.stderr)


class KeyGenerateTest(unittest.TestCase):
    def test_key_file_is_readable_by_signedjson(self):
        result = run("key", "generate")
        self.assertEqual(result.returncode, 0, result.stderr)
        keys = signedjson.key.read_signing_keys(result.stdout.decode().splitlines())
        self.assertEqual(len(keys), 1)
        self.assertEqual(keys[0].alg, "ed25519")
        self.assertRegex(keys[0].version, r"^a_[A-Za-z0-9_]{4}$")

    def test_output_file(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "server.signing.key")
            result = run("key", "generate", "--output", path)
            self.assertEqual(result.returncode, 0, result.stderr)
            with open(path) as f:
                key = signedjson.key.read_signing_keys(f.read().splitlines())[0]
            key_id, public = result.stdout.decode().split()
            self.assertEqual(key_id, "ed25519:" + key.version)
            self.assertEqual(public, signedjson.key.encode_verify_key_base64(key.verify_key))
            self.assertEqual(os.stat(path).st_mode & 0o077, 0)
            self.assertNotEqual(run("key", "generate", "--output", path).returncode, 0)


class EventCheckTest(unittest.TestCase):
    def setUp(self):
        self.key = signedjson.key.generate_signing_key("k1")
        self.public = signedjson.key.encode_verify_key_base64(self.key.verify_key)
        self.directory = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.directory.cleanup()

    def signed_event(self):
        # A v10 message event, hashed and signed the way Synapse does it, with signedjson.
        import hashlib
        from unpaddedbase64 import encode_base64
        event = {
            "auth_events": ["$" + "A" * 43], "prev_events": ["$" + "B" * 43],
            "content": {"body": "hello", "msgtype": "m.text"}, "depth": 7,
            "origin_server_ts": 1700000000000, "room_id": "!room:example.org",
            "sender": "@alice:example.org", "type": "m.room.message",
            "unsigned": {"age_ts": 5}, "origin": "example.org",
        }
        hashed = {k: v for k, v in event.items() if k not in ("unsigned", "signatures", "hashes")}
        event["hashes"] = {"sha256": encode_base64(
            hashlib.sha256(canonicaljson.encode_canonical_json(hashed)).digest())}
        # Room v10 redaction of a message keeps no content: sign that form.
        redacted = {k: v for k, v in event.items() if k in (
            "event_id", "type", "room_id", "sender", "state_key", "content", "hashes",
            "signatures", "depth", "prev_events", "prev_state", "auth_events", "origin",
            "origin_server_ts", "membership")}
        redacted["content"] = {}
        signedjson.sign.sign_json(redacted, "example.org", self.key)
        event["signatures"] = redacted["signatures"]
        return event

    def check(self, event, *extra):
        path = os.path.join(self.directory.name, "event.json")
        with open(path, "w") as f:
            json.dump(event, f)
        return run("event", "check", path, "--room-version", "10", *extra)

    def test_valid_event(self):
        result = self.check(self.signed_event(), "--key", f"example.org:ed25519:k1={self.public}")
        out = result.stdout.decode()
        self.assertEqual(result.returncode, 0, out + result.stderr.decode())
        self.assertIn("content_hash: valid", out)
        self.assertIn("signature example.org ed25519:k1: valid", out)
        self.assertRegex(out, r"event_id: \$[A-Za-z0-9_-]{43}\n")
        self.assertIn('redacted: {"auth_events":', out)
        self.assertNotIn("hello", out.split("redacted:")[1])

    def test_forged_event(self):
        event = self.signed_event()
        event["content"]["body"] = "forged"
        result = self.check(event, "--key", f"example.org:ed25519:k1={self.public}")
        self.assertEqual(result.returncode, 1)
        self.assertIn("content_hash: INVALID", result.stdout.decode())
        event = self.signed_event()
        event["depth"] = 8  # covered by the signature, not only the hash
        result = self.check(event, "--key", f"example.org:ed25519:k1={self.public}")
        self.assertEqual(result.returncode, 1)
        self.assertIn("signature example.org ed25519:k1: INVALID", result.stdout.decode())

    def test_bad_arguments(self):
        self.assertEqual(self.check(self.signed_event(), "--key", "nonsense").returncode, 2)
        self.assertEqual(run("event", "check", "/nonexistent.json", "--room-version", "10")
                         .returncode, 2)
        self.assertNotEqual(run("event", "check").returncode, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
