#!/usr/bin/python3
"""Send-to-device messaging and device-list tracking through the real `myelin serve`: Debian's
python3-matrix-nio sends to-device messages to one device and to every device of a user ("*"),
each device's /sync carries them once (a retried transaction delivers nothing more), a message
waiting survives a restart, /keys/changes names users whose devices changed, and bad input to
/sendToDevice and /keys/changes gets the spec's errors.

Usage: to_device_test.py PATH_TO_MYELIN
"""
import asyncio
import itertools
import os
import sys
import tempfile
import unittest
import urllib.parse

import nio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

MYELIN = harness.myelin_path()
PASSWORD = "correct horse battery staple"
CANCEL = "m.key.verification.cancel"  # a to-device type nio parses (unknown ones it drops)

server = None
_names = itertools.count()


def setUpModule():
    global server
    server = harness.start_homeserver(MYELIN, server_name="localhost")


def tearDownModule():
    server.close()


def cancel(transaction_id):
    return {"transaction_id": transaction_id, "code": "m.user", "reason": "test"}


class Device:
    """One logged-in device, synced with raw requests (to see exactly what /sync carries)."""

    def __init__(self, user_id, name):
        status, login = server.request("POST", "/_matrix/client/v3/login", {
            "type": "m.login.password", "identifier": {"type": "m.id.user", "user": name},
            "password": PASSWORD})
        assert status == 200, login
        self.user_id = user_id
        self.device_id = login["device_id"]
        self.token = login["access_token"]
        self.since = None

    def sync(self, since="keep"):
        path = "/_matrix/client/v3/sync?timeout=0"
        token = self.since if since == "keep" else since
        if token:
            path += "&since=" + urllib.parse.quote(token)
        status, body = server.request("GET", path, token=self.token)
        assert status == 200, body
        self.since = body["next_batch"]
        return body

    def to_device_ids(self, body):
        return [e["content"]["transaction_id"] for e in body["to_device"]["events"]]

    def call(self, method, path, body=None):
        return server.request(method, path, body, token=self.token)


class ToDeviceTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.stores = tempfile.TemporaryDirectory()
        self.clients = []

    async def asyncTearDown(self):
        for client in self.clients:
            await client.close()
        self.stores.cleanup()
        self.assertTrue(server.alive(), server.death_report())

    def user(self, prefix):
        name = "%s%d" % (prefix, next(_names))
        user_id = server.register(name)["user_id"]
        return name, user_id

    async def nio_client(self, name, user_id):
        client = nio.AsyncClient(server.base_url, user_id, store_path=self.stores.name,
                                 config=nio.AsyncClientConfig(encryption_enabled=False))
        self.clients.append(client)
        login = await client.login(PASSWORD)
        self.assertIsInstance(login, nio.LoginResponse, login)
        return client

    async def send(self, client, recipient, device, transaction_id, tx_id):
        message = nio.ToDeviceMessage(CANCEL, recipient, device, cancel(transaction_id))
        response = await client.to_device(message, tx_id=tx_id)
        self.assertIsInstance(response, nio.ToDeviceResponse, response)

    async def test_messages_reach_each_device_once(self):
        alice_name, alice_id = self.user("alice")
        bob_name, bob_id = self.user("bob")
        alice = await self.nio_client(alice_name, alice_id)
        phone, laptop = Device(bob_id, bob_name), Device(bob_id, bob_name)
        phone.sync()
        laptop.sync()

        await self.send(alice, bob_id, "*", "to-all", "t1")
        await self.send(alice, bob_id, "*", "to-all-retried", "t1")  # same transaction: nothing
        await self.send(alice, bob_id, laptop.device_id, "laptop-only", "t2")
        first = phone.sync()
        self.assertEqual(phone.to_device_ids(first), ["to-all"])
        self.assertEqual(first["to_device"]["events"][0]["sender"], alice_id)
        self.assertEqual(first["to_device"]["events"][0]["type"], CANCEL)
        self.assertEqual(laptop.to_device_ids(laptop.sync()), ["to-all", "laptop-only"])
        # The next sync confirms them: gone.
        self.assertEqual(phone.to_device_ids(phone.sync()), [])
        self.assertEqual(laptop.to_device_ids(laptop.sync()), [])

        # nio, a client nobody here wrote, receives them too (as its own device).
        bob = await self.nio_client(bob_name, bob_id)
        self.assertIsInstance(await bob.sync(timeout=0), nio.SyncResponse)
        await self.send(alice, bob_id, bob.device_id, "to-nio", "t3")
        response = await bob.sync(timeout=3000)
        self.assertIsInstance(response, nio.SyncResponse, response)
        self.assertEqual([e.transaction_id for e in response.to_device_events
                          if isinstance(e, nio.KeyVerificationCancel)], ["to-nio"])

    async def test_a_waiting_message_survives_a_restart(self):
        alice_name, alice_id = self.user("alice")
        bob_name, bob_id = self.user("bob")
        alice = await self.nio_client(alice_name, alice_id)
        phone = Device(bob_id, bob_name)
        phone.sync()
        await self.send(alice, bob_id, phone.device_id, "before restart", "r1")
        await alice.close()
        server.restart()
        self.assertEqual(phone.to_device_ids(phone.sync()), ["before restart"])
        # The stream goes on above what the device has seen.
        alice = await self.nio_client(alice_name, alice_id)
        await self.send(alice, bob_id, phone.device_id, "after restart", "r2")
        self.assertEqual(phone.to_device_ids(phone.sync()), ["after restart"])

    async def test_keys_changes_names_users_whose_devices_changed(self):
        alice_name, alice_id = self.user("alice")
        bob_name, bob_id = self.user("bob")
        alice, bob = Device(alice_id, alice_name), Device(bob_id, bob_name)
        status, room = alice.call("POST", "/_matrix/client/v3/createRoom",
                                  {"preset": "public_chat"})
        self.assertEqual(status, 200, room)
        self.assertEqual(bob.call("POST", "/_matrix/client/v3/join/" +
                                  urllib.parse.quote(room["room_id"]), {})[0], 200)
        start = alice.sync()["next_batch"]
        keys = {"user_id": bob_id, "device_id": bob.device_id,
                "algorithms": ["m.olm.v1.curve25519-aes-sha2"],
                "keys": {"curve25519:" + bob.device_id: "c", "ed25519:" + bob.device_id: "e"},
                "signatures": {bob_id: {"ed25519:" + bob.device_id: "s"}}}
        status, body = bob.call("POST", "/_matrix/client/v3/keys/upload", {"device_keys": keys})
        self.assertEqual(status, 200, body)
        body = alice.sync()
        self.assertIn(bob_id, body["device_lists"]["changed"])
        end = body["next_batch"]
        status, changes = alice.call("GET", "/_matrix/client/v3/keys/changes?from=%s&to=%s"
                                     % (urllib.parse.quote(start), urllib.parse.quote(end)))
        self.assertEqual(status, 200, changes)
        self.assertEqual(changes["changed"], [bob_id])
        self.assertEqual(changes["left"], [])
        status, changes = alice.call("GET", "/_matrix/client/v3/keys/changes?from=%s&to=%s"
                                     % (urllib.parse.quote(end), urllib.parse.quote(end)))
        self.assertEqual((status, changes["changed"]), (200, []))
        # Bad tokens.
        status, error = alice.call("GET", "/_matrix/client/v3/keys/changes?to=s1_0")
        self.assertEqual((status, error["errcode"]), (400, "M_MISSING_PARAM"))
        status, error = alice.call("GET", "/_matrix/client/v3/keys/changes?from=x&to=s1_0")
        self.assertEqual((status, error["errcode"]), (400, "M_INVALID_PARAM"))

    async def test_bad_input(self):
        alice_name, alice_id = self.user("alice")
        alice = Device(alice_id, alice_name)
        path = "/_matrix/client/v3/sendToDevice/m.test/bad%d"
        cases = [
            ({}, 400, "M_BAD_JSON"),
            ({"messages": []}, 400, "M_BAD_JSON"),
            ({"messages": {alice_id: "not an object"}}, 400, "M_BAD_JSON"),
            ({"messages": {alice_id: {"*": 42}}}, 400, "M_BAD_JSON"),
            ({"messages": {"not-a-user-id": {"*": {}}}}, 400, "M_INVALID_PARAM"),
            (b"{not json", 400, "M_NOT_JSON"),
        ]
        for n, (body, status, errcode) in enumerate(cases):
            got_status, got = alice.call("PUT", path % n, body)
            self.assertEqual((got_status, got.get("errcode")), (status, errcode), body)
        status, got = server.request("PUT", path % 99, {"messages": {}})
        self.assertEqual((status, got["errcode"]), (401, "M_MISSING_TOKEN"))
        # r0, as nio 0.20 calls it, and an empty message map are fine.
        status, got = alice.call("PUT", "/_matrix/client/r0/sendToDevice/m.test/ok",
                                 {"messages": {}})
        self.assertEqual((status, got), (200, {}))


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
