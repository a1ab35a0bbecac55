#!/usr/bin/python3
"""The key API and the federation version as the real `myelin serve` answers them (spec
server-server API "Publishing Keys", "Querying Keys Through Another Server", GET
/_matrix/federation/v1/version), checked with python3-signedjson, the library Synapse uses:
our key document is signed by the key it publishes, names our server and is valid for a while;
the deprecated /_matrix/key/v2/server/{keyId} answers the same; configured old signing keys
appear in old_verify_keys; as a notary we answer for ourselves with a document signed by us.

Usage: keys_test.py PATH_TO_MYELIN
"""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import signedjson.key  # noqa: E402
import signedjson.sign  # noqa: E402
from unpaddedbase64 import decode_base64  # noqa: E402

MYELIN = harness.myelin_path()
SERVER_NAME = "keys.test"
DAY_MS = 24 * 60 * 60 * 1000
# A retired key of ours (any valid unpadded base64 ed25519 public key will do).
OLD_KEY_ID = "ed25519:retired"
OLD_KEY = signedjson.key.encode_verify_key_base64(
    signedjson.key.get_verify_key(signedjson.key.generate_signing_key("retired")))
OLD_EXPIRED_TS = 1600000000000
CONFIG = """
old_signing_keys:
  "%s": {key: "%s", expired_ts: %d}
""" % (OLD_KEY_ID, OLD_KEY, OLD_EXPIRED_TS)
server = None


def setUpModule():
    global server
    server = harness.start_homeserver(MYELIN, server_name=SERVER_NAME, config=CONFIG)


def tearDownModule():
    server.close()


def verify_self_signed(test, document):
    """Verifies the document against every key in its verify_keys (as Synapse's keyring
    does); returns the key IDs."""
    test.assertEqual(document["server_name"], SERVER_NAME)
    test.assertTrue(document["verify_keys"])
    for key_id, entry in document["verify_keys"].items():
        algorithm, version = key_id.split(":", 1)
        test.assertEqual(algorithm, "ed25519")
        verify_key = signedjson.key.decode_verify_key_bytes(key_id, decode_base64(entry["key"]))
        signedjson.sign.verify_signed_json(document, SERVER_NAME, verify_key)  # raises if bad
    return list(document["verify_keys"])


class OwnKeys(unittest.TestCase):
    def fetch(self, path="/_matrix/key/v2/server"):
        status, document = server.request("GET", path)
        self.assertEqual(status, 200, document)
        return document

    def test_document_is_self_signed_and_valid_for_a_day(self):
        before = int(time.time() * 1000)
        document = self.fetch()
        key_ids = verify_self_signed(self, document)
        self.assertEqual(len(key_ids), 1)
        self.assertIn(key_ids[0], document["signatures"][SERVER_NAME])
        # Synapse's default key_refresh_interval: a day ahead of when it was served.
        self.assertGreater(document["valid_until_ts"], before + DAY_MS - 60000)
        self.assertLessEqual(document["valid_until_ts"], int(time.time() * 1000) + DAY_MS)

    def test_tampered_document_fails_verification(self):
        document = self.fetch()
        document["valid_until_ts"] += 1
        with self.assertRaises(signedjson.sign.SignatureVerifyException):
            verify_self_signed(self, document)

    def test_old_signing_keys_are_published(self):
        document = self.fetch()
        self.assertEqual(document["old_verify_keys"],
                         {OLD_KEY_ID: {"key": OLD_KEY, "expired_ts": OLD_EXPIRED_TS}})
        self.assertNotIn(OLD_KEY_ID, document["verify_keys"])

    def test_deprecated_key_id_path_answers_the_same(self):
        document = self.fetch()
        key_id = next(iter(document["verify_keys"]))
        for path in ("/_matrix/key/v2/server/" + key_id, "/_matrix/key/v2/server/ed25519:nope"):
            other = self.fetch(path)
            verify_self_signed(self, other)
            self.assertEqual(other["verify_keys"], document["verify_keys"])

    def test_notary_answers_for_ourselves(self):
        own = self.fetch()
        status, answer = server.request(
            "POST", "/_matrix/key/v2/query", {"server_keys": {SERVER_NAME: {}}})
        self.assertEqual(status, 200, answer)
        self.assertEqual(len(answer["server_keys"]), 1)
        document = answer["server_keys"][0]
        verify_self_signed(self, document)
        self.assertEqual(document["verify_keys"], own["verify_keys"])
        status, answer = server.request("GET", "/_matrix/key/v2/query/" + SERVER_NAME)
        self.assertEqual(status, 200, answer)
        verify_self_signed(self, answer["server_keys"][0])

    def test_notary_rejects_bad_queries(self):
        status, answer = server.request("POST", "/_matrix/key/v2/query", {"server_keys": 3})
        self.assertEqual(status, 400, answer)
        self.assertEqual(answer["errcode"], "M_BAD_JSON")
        status, answer = server.request("POST", "/_matrix/key/v2/query", b"{not json")
        self.assertEqual(status, 400, answer)
        self.assertEqual(answer["errcode"], "M_NOT_JSON")


class Version(unittest.TestCase):
    def test_names_myelin_and_its_version(self):
        status, body = server.request("GET", "/_matrix/federation/v1/version")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["server"]["name"], "myelin")
        version = subprocess_version()
        self.assertTrue(body["server"]["version"])
        if version:
            self.assertIn(body["server"]["version"], version)


def subprocess_version():
    """`myelin --version`'s output, when the CLI has one."""
    import subprocess
    try:
        result = subprocess.run([MYELIN, "--version"], capture_output=True, text=True,
                                timeout=30)
    except OSError:
        return None
    return result.stdout if result.returncode == 0 else None


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
