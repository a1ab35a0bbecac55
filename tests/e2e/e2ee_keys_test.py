#!/usr/bin/python3
"""End-to-end encryption keys through the real `myelin serve`, driven by Debian's
python3-matrix-nio with encryption on (python3-olm): each client uploads its device and one-time
keys, queries the other's, claims one of its one-time keys (the counts in /sync go down, a key is
never handed out twice, the fallback key comes last), and the two hold an encrypted conversation
in an encrypted room. Bad input to /keys/* gets the spec's errors.

Usage: e2ee_keys_test.py PATH_TO_MYELIN
"""
import asyncio
import itertools
import os
import sys
import tempfile
import unittest

import nio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

MYELIN = harness.myelin_path()
PASSWORD = "correct horse battery staple"
SERVER_NAME = "localhost"
ENCRYPTION = {"type": "m.room.encryption", "state_key": "",
              "content": {"algorithm": "m.megolm.v1.aes-sha2"}}

server = None
_names = itertools.count()


def setUpModule():
    global server
    server = harness.start_homeserver(MYELIN, server_name=SERVER_NAME)


def tearDownModule():
    server.close()


class E2eeKeysTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.clients = []
        self.stores = tempfile.TemporaryDirectory()

    async def asyncTearDown(self):
        for client in self.clients:
            await client.close()
        self.stores.cleanup()
        self.assertTrue(server.alive(), server.death_report())

    def ok(self, response, kind):
        if not isinstance(response, kind):
            self.fail("expected %s, got %r\n%s" % (kind.__name__, response,
                                                  server.stderr_tail(15)))
        return response

    async def user(self, prefix):
        """A registered user whose nio client has its Olm account (keys not yet uploaded)."""
        name = "%s%d" % (prefix, next(_names))
        store = os.path.join(self.stores.name, name)
        os.mkdir(store)
        config = nio.AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False,
                                       max_timeouts=1, request_timeout=60)
        client = nio.AsyncClient(server.base_url, "", store_path=store, config=config)
        self.clients.append(client)
        self.ok(await client.register(name, PASSWORD, device_name="nio e2ee " + name),
                nio.RegisterResponse)
        self.assertTrue(client.olm, "nio has no Olm machine: is python3-olm installed?")
        return client

    def raw_sync(self, client):
        status, body = server.request("GET", "/_matrix/client/r0/sync?timeout=0",
                                      token=client.access_token)
        self.assertEqual(status, 200, body)
        return body

    def raw(self, client, path, body):
        return server.request("POST", path, body, token=client.access_token)

    async def upload(self, client):
        self.assertTrue(client.should_upload_keys)
        uploaded = self.ok(await client.keys_upload(), nio.KeysUploadResponse)
        count = uploaded.signed_curve25519_count
        self.assertGreater(count, 0)
        # The syncing device sees the same count (nio uploads more when it drops).
        self.assertEqual(self.raw_sync(client)["device_one_time_keys_count"]
                         ["signed_curve25519"], count)
        return count

    async def encrypted_room(self, alice, bob):
        created = self.ok(await alice.room_create(initial_state=[ENCRYPTION],
                                                  invite=[bob.user_id]),
                          nio.RoomCreateResponse)
        self.ok(await bob.join(created.room_id), nio.JoinResponse)
        for client in (alice, bob):
            self.ok(await client.sync(timeout=0, full_state=True), nio.SyncResponse)
            self.assertTrue(client.rooms[created.room_id].encrypted)
        return created.room_id

    async def test_upload_query_claim_between_two_users(self):
        alice = await self.user("alice")
        bob = await self.user("bob")
        # Before any upload the count is there, and 0 (nio reads absence as "unknown").
        self.assertEqual(self.raw_sync(bob)["device_one_time_keys_count"],
                         {"signed_curve25519": 0})
        await self.upload(alice)
        bob_count = await self.upload(bob)
        self.assertFalse(bob.should_upload_keys)

        room_id = await self.encrypted_room(alice, bob)
        self.assertIn(bob.user_id, alice.users_for_key_query)
        query = self.ok(await alice.keys_query(), nio.KeysQueryResponse)
        self.assertEqual(query.failures, {})
        bob_devices = query.device_keys[bob.user_id]
        self.assertEqual(list(bob_devices), [bob.device_id])
        device = bob_devices[bob.device_id]
        self.assertEqual(device["user_id"], bob.user_id)
        self.assertEqual(device["keys"]["ed25519:" + bob.device_id],
                         bob.olm.account.identity_keys["ed25519"])
        self.assertEqual(device["unsigned"]["device_display_name"], "nio e2ee " +
                         bob.user_id[1:].split(":")[0])
        # nio checked the signature and now tracks bob's device.
        self.assertIn(bob.device_id, alice.device_store[bob.user_id])

        missing = alice.get_missing_sessions(room_id)
        self.assertEqual(missing, {bob.user_id: [bob.device_id]})
        claim = self.ok(await alice.keys_claim(missing), nio.KeysClaimResponse)
        self.assertEqual(claim.failures, {})
        keys = claim.one_time_keys[bob.user_id][bob.device_id]
        self.assertEqual(len(keys), 1)
        (first_id,) = keys
        self.assertTrue(first_id.startswith("signed_curve25519:"))
        self.assertEqual(self.raw_sync(bob)["device_one_time_keys_count"]["signed_curve25519"],
                         bob_count - 1)
        # A one-time key is handed out once.
        status, again = self.raw(alice, "/_matrix/client/v3/keys/claim", {
            "one_time_keys": {bob.user_id: {bob.device_id: "signed_curve25519"}}})
        self.assertEqual(status, 200, again)
        (second_id,) = again["one_time_keys"][bob.user_id][bob.device_id]
        self.assertNotEqual(first_id, second_id)
        self.assertEqual(self.raw_sync(bob)["device_one_time_keys_count"]["signed_curve25519"],
                         bob_count - 2)

        # Bob's new device uploading its keys changes his device list: alice's next sync says so.
        status, login = server.request("POST", "/_matrix/client/v3/login", {
            "type": "m.login.password", "identifier": {"type": "m.id.user", "user": bob.user_id},
            "password": PASSWORD})
        self.assertEqual(status, 200, login)
        since = self.raw_sync(alice)["next_batch"]  # after the login: the upload is the change
        new_device = login["device_id"]
        status, body = server.request("POST", "/_matrix/client/v3/keys/upload", {
            "device_keys": {"user_id": bob.user_id, "device_id": new_device,
                            "algorithms": ["m.olm.v1.curve25519-aes-sha2"],
                            "keys": {"ed25519:" + new_device: "edkey"}, "signatures": {}}},
            token=login["access_token"])
        self.assertEqual(status, 200, body)
        status, body = server.request(
            "GET", "/_matrix/client/v3/sync?timeout=5000&since=" + since, token=alice.access_token)
        self.assertEqual(status, 200, body)
        self.assertIn(bob.user_id, body.get("device_lists", {}).get("changed", []))
        status, body = self.raw(alice, "/_matrix/client/v3/keys/query",
                                {"device_keys": {bob.user_id: [new_device]}})
        self.assertEqual(list(body["device_keys"][bob.user_id]), [new_device])

    async def test_encrypted_conversation(self):
        alice = await self.user("alice")
        bob = await self.user("bob")
        await self.upload(alice)
        await self.upload(bob)
        room_id = await self.encrypted_room(alice, bob)
        self.ok(await alice.keys_query(), nio.KeysQueryResponse)
        self.ok(await bob.keys_query(), nio.KeysQueryResponse)
        # room_send shares the Megolm session first: keys/claim, then an Olm-encrypted
        # m.room_key to each of bob's devices through sendToDevice.
        self.ok(await alice.room_send(room_id, "m.room.message",
                                      {"msgtype": "m.text", "body": "secret hello"},
                                      ignore_unverified_devices=True),
                nio.RoomSendResponse)
        raw = self.raw_sync(bob)
        timeline = raw["rooms"]["join"][room_id]["timeline"]["events"]
        self.assertIn("m.room.encrypted", [e["type"] for e in timeline])
        self.assertNotIn("secret hello", str(raw["rooms"]))
        texts = []
        for _ in range(10):
            response = self.ok(await bob.sync(timeout=1000), nio.SyncResponse)
            room = response.rooms.join.get(room_id)
            for event in room.timeline.events if room else []:
                if isinstance(event, nio.RoomMessageText):
                    texts.append(event.body)
            if texts:
                break
        if not texts:
            # The message came before bob had the room key: decrypt it from history now.
            messages = self.ok(await bob.room_messages(room_id, start=""),
                               nio.RoomMessagesResponse)
            texts = [e.body for e in messages.chunk if isinstance(e, nio.RoomMessageText)]
        self.assertEqual(texts, ["secret hello"])

    async def test_fallback_key_after_one_time_keys(self):
        alice = await self.user("alice")
        bob = await self.user("bob")
        key = {"key": "fallbackkeyAAAA", "fallback": True,
               "signatures": {bob.user_id: {"ed25519:" + bob.device_id: "sig"}}}
        status, body = self.raw(bob, "/_matrix/client/v3/keys/upload", {
            "one_time_keys": {"signed_curve25519:AAAAAQ": {"key": "onetimekeyAAAA"}},
            "fallback_keys": {"signed_curve25519:AAAAFB": key}})
        self.assertEqual((status, body), (200, {"one_time_key_counts": {"signed_curve25519": 1}}))
        self.assertEqual(self.raw_sync(bob)["device_unused_fallback_key_types"],
                         ["signed_curve25519"])
        claim = {"one_time_keys": {bob.user_id: {bob.device_id: "signed_curve25519"}}}
        status, first = self.raw(alice, "/_matrix/client/v3/keys/claim", claim)
        self.assertEqual(first["one_time_keys"][bob.user_id][bob.device_id],
                         {"signed_curve25519:AAAAAQ": {"key": "onetimekeyAAAA"}})
        for _ in range(2):  # the fallback key, as often as asked
            status, then = self.raw(alice, "/_matrix/client/v3/keys/claim", claim)
            self.assertEqual(then["one_time_keys"][bob.user_id][bob.device_id],
                             {"signed_curve25519:AAAAFB": key})
        sync = self.raw_sync(bob)
        self.assertEqual(sync["device_unused_fallback_key_types"], [])
        self.assertEqual(sync["device_one_time_keys_count"], {"signed_curve25519": 0})

    async def test_bad_input(self):
        alice = await self.user("alice")
        bob = await self.user("bob")
        cases = [
            ("/_matrix/client/v3/keys/upload", [], 400, "M_BAD_JSON"),
            ("/_matrix/client/v3/keys/upload", {"device_keys": "x"}, 400, "M_BAD_JSON"),
            ("/_matrix/client/v3/keys/upload", {"one_time_keys": []}, 400, "M_BAD_JSON"),
            ("/_matrix/client/v3/keys/upload", {"one_time_keys": {"nocolon": "k"}}, 400,
             "M_INVALID_PARAM"),
            ("/_matrix/client/v3/keys/upload", {"one_time_keys": {"a:b": 5}}, 400,
             "M_BAD_JSON"),
            # Another user's or device's keys are refused.
            ("/_matrix/client/v3/keys/upload", {"device_keys": {
                "user_id": bob.user_id, "device_id": alice.device_id, "keys": {}}}, 400,
             "M_INVALID_PARAM"),
            ("/_matrix/client/v3/keys/upload", {"device_keys": {
                "user_id": alice.user_id, "device_id": "OTHER", "keys": {}}}, 400,
             "M_INVALID_PARAM"),
            ("/_matrix/client/r0/keys/upload/OTHER", {}, 400, "M_INVALID_PARAM"),
            ("/_matrix/client/v3/keys/query", {}, 400, "M_MISSING_PARAM"),
            ("/_matrix/client/v3/keys/query", {"device_keys": []}, 400, "M_BAD_JSON"),
            ("/_matrix/client/v3/keys/query", {"device_keys": {bob.user_id: "x"}}, 400,
             "M_BAD_JSON"),
            ("/_matrix/client/v3/keys/query", {"device_keys": {bob.user_id: [1]}}, 400,
             "M_BAD_JSON"),
            ("/_matrix/client/v3/keys/query", {"device_keys": {"nobody": []}}, 400,
             "M_INVALID_PARAM"),
            ("/_matrix/client/v3/keys/query", {"device_keys": {}, "timeout": "x"}, 400,
             "M_BAD_JSON"),
            ("/_matrix/client/v3/keys/claim", {"one_time_keys": {bob.user_id: []}}, 400,
             "M_BAD_JSON"),
            ("/_matrix/client/v3/keys/claim", {"one_time_keys": {bob.user_id: {"D": 1}}}, 400,
             "M_BAD_JSON"),
            ("/_matrix/client/v3/keys/claim", {"one_time_keys": 7}, 400, "M_BAD_JSON"),
        ]
        for path, body, status, errcode in cases:
            with self.subTest(path=path, body=body):
                got, answer = self.raw(alice, path, body)
                self.assertEqual((got, answer.get("errcode")), (status, errcode), answer)
        # r0's form naming the requester's own device is the same upload.
        status, body = self.raw(alice, "/_matrix/client/r0/keys/upload/" + alice.device_id,
                                {"one_time_keys": {"signed_curve25519:R0": "r"}})
        self.assertEqual((status, body), (200, {"one_time_key_counts": {"signed_curve25519": 1}}))
        # A one-time key ID uploaded again with other content is refused; the same is fine.
        path = "/_matrix/client/v3/keys/upload"
        self.assertEqual(self.raw(alice, path, {"one_time_keys": {"signed_curve25519:K": "a"}}),
                         (200, {"one_time_key_counts": {"signed_curve25519": 2}}))
        self.assertEqual(self.raw(alice, path, {"one_time_keys": {"signed_curve25519:K": "a"}})[0],
                         200)
        status, body = self.raw(alice, path, {"one_time_keys": {"signed_curve25519:K": "b"}})
        self.assertEqual((status, body["errcode"]), (400, "M_INVALID_PARAM"))
        # An unreachable server is a failure, not an error.
        status, body = self.raw(alice, "/_matrix/client/v3/keys/query", {
            "device_keys": {"@x:unreachable.invalid": []}, "timeout": 2000})
        self.assertEqual(status, 200, body)
        self.assertIn("unreachable.invalid", body["failures"])
        self.assertEqual(body["device_keys"], {})


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
