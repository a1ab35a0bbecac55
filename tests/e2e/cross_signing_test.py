#!/usr/bin/python3
"""Cross-signing through the real `myelin serve` (spec client-server API "Cross-signing"),
with keys made and signatures checked by python3-signedjson (the library Synapse uses): the
first upload of a user's keys needs no password, replacing them does (user-interactive auth);
keys/query shows master and self-signing keys to everyone and the user-signing key to its owner
only; signatures over one's devices (by the self-signing key) and over others' master keys (by
the user-signing key) are checked, stored and shown; bad ones are listed as failures.

Usage: cross_signing_test.py PATH_TO_MYELIN
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import signedjson.key  # noqa: E402
import signedjson.sign  # noqa: E402

MYELIN = harness.myelin_path()
PASSWORD = "correct horse battery staple"
server = None


def setUpModule():
    global server
    server = harness.start_homeserver(MYELIN, server_name="localhost")


def tearDownModule():
    server.close()


def new_key():
    """An ed25519 signing key whose key ID is its public key, as cross-signing keys are named."""
    key = signedjson.key.generate_signing_key("tmp")
    key.version = signedjson.key.encode_verify_key_base64(signedjson.key.get_verify_key(key))
    return key


def public(key):
    return key.version


def cross_signing_key(user_id, usage, key, signer=None):
    body = {"user_id": user_id, "usage": [usage],
            "keys": {"ed25519:" + public(key): public(key)}}
    return signedjson.sign.sign_json(body, user_id, signer) if signer else body


class User:
    def __init__(self, name):
        registered = server.register(name)
        self.user_id = registered["user_id"]
        self.device_id = registered["device_id"]
        self.token = registered["access_token"]
        self.master, self.self_signing, self.user_signing = new_key(), new_key(), new_key()
        self.device_key = new_key()
        self.device_keys = signedjson.sign.sign_json({
            "user_id": self.user_id, "device_id": self.device_id,
            "algorithms": ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
            "keys": {"curve25519:" + self.device_id: "curve",
                     "ed25519:" + self.device_id: public(self.device_key)}},
            self.user_id, self._device_signer())

    def _device_signer(self):
        signer = signedjson.key.decode_signing_key_base64("ed25519", self.device_id,
                                                          signedjson.key.encode_signing_key_base64(
                                                              self.device_key))
        return signer

    def post(self, path, body):
        return server.request("POST", "/_matrix/client/v3" + path, body, token=self.token)

    def signing_keys(self):
        return {"master_key": cross_signing_key(self.user_id, "master", self.master),
                "self_signing_key": cross_signing_key(self.user_id, "self_signing",
                                                      self.self_signing, self.master),
                "user_signing_key": cross_signing_key(self.user_id, "user_signing",
                                                      self.user_signing, self.master)}


class CrossSigningTest(unittest.TestCase):
    def setUp(self):
        self.alice = User("alice%d" % id(self))
        self.bob = User("bob%d" % id(self))
        for user in (self.alice, self.bob):
            status, body = user.post("/keys/upload", {"device_keys": user.device_keys})
            self.assertEqual(status, 200, body)

    def upload_signing_keys(self, user):
        status, body = user.post("/keys/device_signing/upload", user.signing_keys())
        self.assertEqual((status, body), (200, {}))

    def query(self, asker, user):
        status, body = asker.post("/keys/query", {"device_keys": {user.user_id: []}})
        self.assertEqual(status, 200, body)
        return body

    def test_keys_are_uploaded_and_shown(self):
        alice, bob = self.alice, self.bob
        self.upload_signing_keys(alice)
        seen_by_bob = self.query(bob, alice)
        self.assertEqual(seen_by_bob["master_keys"][alice.user_id]["keys"],
                         {"ed25519:" + public(alice.master): public(alice.master)})
        ssk = seen_by_bob["self_signing_keys"][alice.user_id]
        signedjson.sign.verify_signed_json(ssk, alice.user_id,
                                           signedjson.key.get_verify_key(alice.master))
        self.assertNotIn(alice.user_id, seen_by_bob["user_signing_keys"])
        self.assertIn(alice.user_id, self.query(alice, alice)["user_signing_keys"])

    def test_replacing_keys_needs_the_password(self):
        alice = self.alice
        self.upload_signing_keys(alice)
        alice.master = new_key()
        keys = alice.signing_keys()
        status, challenge = alice.post("/keys/device_signing/upload", keys)
        self.assertEqual(status, 401, challenge)
        keys["auth"] = {"type": "m.login.password", "session": challenge["session"],
                        "identifier": {"type": "m.id.user", "user": alice.user_id},
                        "password": PASSWORD}
        status, body = alice.post("/keys/device_signing/upload", keys)
        self.assertEqual((status, body), (200, {}))
        self.assertEqual(self.query(self.bob, alice)["master_keys"][alice.user_id]["keys"],
                         {"ed25519:" + public(alice.master): public(alice.master)})

    def test_bad_keys_are_refused(self):
        alice = self.alice
        keys = alice.signing_keys()
        cases = [
            ({"master_key": dict(keys["master_key"], user_id=self.bob.user_id)},
             "M_INVALID_PARAM"),
            ({"master_key": dict(keys["master_key"], usage=["self_signing"])}, "M_INVALID_PARAM"),
            ({"master_key": dict(keys["master_key"], keys={})}, "M_INVALID_PARAM"),
            ({"master_key": "x"}, "M_BAD_JSON"),
            # A self-signing key with no master key to check it against.
            ({"self_signing_key": keys["self_signing_key"]}, "M_MISSING_PARAM"),
            # Signed by another key than the master key.
            ({"master_key": keys["master_key"],
              "self_signing_key": cross_signing_key(alice.user_id, "self_signing",
                                                    alice.self_signing, new_key())},
             "M_INVALID_SIGNATURE"),
        ]
        for body, errcode in cases:
            with self.subTest(errcode=errcode, body=body):
                status, answer = alice.post("/keys/device_signing/upload", body)
                # The spec's 400 for each of them.
                self.assertEqual((status, answer.get("errcode")), (400, errcode), answer)
        # Nothing was stored: the first real upload still needs no password.
        self.upload_signing_keys(alice)

    def test_signatures_over_devices_and_other_users_master_keys(self):
        alice, bob = self.alice, self.bob
        self.upload_signing_keys(alice)
        self.upload_signing_keys(bob)
        # Alice's self-signing key signs her device.
        device = dict(alice.device_keys)
        device["signatures"] = {}
        signed_device = signedjson.sign.sign_json(device, alice.user_id, alice.self_signing)
        # Bob's user-signing key signs alice's master key.
        alice_master = cross_signing_key(alice.user_id, "master", alice.master)
        signed_master = signedjson.sign.sign_json(alice_master, bob.user_id, bob.user_signing)
        status, body = alice.post("/keys/signatures/upload",
                                  {alice.user_id: {alice.device_id: signed_device}})
        self.assertEqual((status, body), (200, {"failures": {}}))
        status, body = bob.post("/keys/signatures/upload",
                                {alice.user_id: {public(alice.master): signed_master}})
        self.assertEqual((status, body), (200, {"failures": {}}))

        shown = self.query(bob, alice)
        device_signatures = shown["device_keys"][alice.user_id][alice.device_id]["signatures"]
        self.assertIn("ed25519:" + public(alice.self_signing), device_signatures[alice.user_id])
        self.assertIn("ed25519:" + alice.device_id, device_signatures[alice.user_id])
        signedjson.sign.verify_signed_json(
            shown["device_keys"][alice.user_id][alice.device_id], alice.user_id,
            signedjson.key.get_verify_key(alice.self_signing))
        master_signatures = shown["master_keys"][alice.user_id]["signatures"]
        signedjson.sign.verify_signed_json(shown["master_keys"][alice.user_id], bob.user_id,
                                           signedjson.key.get_verify_key(bob.user_signing))
        self.assertIn(bob.user_id, master_signatures)
        # Bob's signature over alice's master key is bob's business.
        self.assertNotIn(bob.user_id,
                         self.query(alice, alice)["master_keys"][alice.user_id]
                         .get("signatures", {}))

    def test_bad_signatures_are_failures(self):
        alice, bob = self.alice, self.bob
        self.upload_signing_keys(alice)
        device = dict(alice.device_keys)
        device["signatures"] = {}
        forged = signedjson.sign.sign_json(dict(device), alice.user_id, new_key())
        forged["signatures"][alice.user_id] = {
            "ed25519:" + public(alice.self_signing):
                list(forged["signatures"][alice.user_id].values())[0]}
        changed = signedjson.sign.sign_json(dict(device, keys={"ed25519:X": "other"}),
                                            alice.user_id, alice.self_signing)
        status, body = alice.post("/keys/signatures/upload", {
            alice.user_id: {alice.device_id: forged, "NODEVICE": changed},
            bob.user_id: {"nokey": {"signatures": {}}}})
        self.assertEqual(status, 200, body)
        failures = body["failures"]
        self.assertEqual(failures[alice.user_id][alice.device_id]["errcode"],
                         "M_INVALID_SIGNATURE")
        self.assertEqual(failures[alice.user_id]["NODEVICE"]["errcode"], "M_NOT_FOUND")
        self.assertIn("nokey", failures[bob.user_id])
        shown = self.query(bob, alice)["device_keys"][alice.user_id][alice.device_id]
        self.assertNotIn("ed25519:" + public(alice.self_signing),
                         shown["signatures"][alice.user_id])


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
