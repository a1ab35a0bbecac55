#!/usr/bin/python3
"""Rooms across three real myelin servers (issue 5, item 9): each found a different way —
a.fedtest on its own 8448, b.fedtest through a `_matrix-fed._tcp` SRV record, c.fedtest through
/.well-known/matrix/server (or plainly when port 443 is not ours) — resolved through dnsmasq,
with certificates from a test CA. Users on each create, join, leave rooms on the others, send
messages, invite and ban, back-fill history; a server stopped and restarted gets every message
queued for it; forged PDUs (bad signature, bad content hash, auth violation) are refused; a
server with a self-signed certificate is refused.

Usage: rooms_test.py PATH_TO_MYELIN
"""
import os
import sys
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import netns  # noqa: E402

PRIVATE_NETWORK = netns.enter_private_network()

from servers import FederationRig, by_srv, by_well_known, can_bind_443, plain  # noqa: E402
import harness  # noqa: E402
import matrix_fed  # noqa: E402

MYELIN = harness.myelin_path()
HAS_443 = can_bind_443("127.0.0.24")

A, B, C, BAD = "a.fedtest", "b.fedtest", "c.fedtest", "selfsigned.fedtest"
SPECS = [
    plain(A, "127.0.0.22"),
    by_srv(B, "127.0.0.23", target="b-host.fedtest", target_address="127.0.0.33"),
    by_well_known(C, "127.0.0.24", host="c-host.fedtest", host_address="127.0.0.34")
    if HAS_443 else plain(C, "127.0.0.24"),
    plain(BAD, "127.0.0.25", cert="self_signed"),
]

WAIT_S = 30  # how long a federated change may take to show up


def q(value):
    return urllib.parse.quote(value, safe="")


class User:
    """A logged-in user on one server, with just the client API calls these tests need."""

    def __init__(self, server, name):
        self.server = server
        registered = server.register(name)
        self.user_id = registered["user_id"]
        self.token = registered["access_token"]
        self.since = None

    def call(self, method, path, body=None, expect=200):
        status, data = self.server.request(method, path, body, token=self.token)
        if expect is not None and status != expect:
            raise AssertionError("%s %s %s → %s %r" % (self.user_id, method, path, status, data))
        return status, data

    def create_room(self, **body):
        return self.call("POST", "/_matrix/client/v3/createRoom", body)[1]["room_id"]

    def join(self, room, via=(), expect=200):
        query = "?" + "&".join("server_name=" + q(s) for s in via) if via else ""
        return self.call("POST", "/_matrix/client/v3/join/%s%s" % (q(room), query), {},
                         expect=expect)

    def send(self, room_id, body, expect=200):
        txn = "m%d" % time.monotonic_ns()
        return self.call("PUT", "/_matrix/client/v3/rooms/%s/send/m.room.message/%s"
                         % (q(room_id), txn), {"msgtype": "m.text", "body": body},
                         expect=expect)

    def members(self, room_id):
        _, data = self.call("GET", "/_matrix/client/v3/rooms/%s/joined_members" % q(room_id))
        return set(data["joined"])

    def timeline_bodies(self, room_id, limit=100):
        _, data = self.call("GET", "/_matrix/client/v3/rooms/%s/messages?dir=b&limit=%d"
                            % (q(room_id), limit))
        return [e["content"].get("body") for e in reversed(data["chunk"])
                if e["type"] == "m.room.message"]

    def sync(self, timeout_ms=1000):
        path = "/_matrix/client/v3/sync?timeout=%d" % timeout_ms
        if self.since:
            path += "&since=" + q(self.since)
        _, data = self.call("GET", path)
        self.since = data["next_batch"]
        return data

    def wait_for(self, what, predicate, timeout=WAIT_S):
        """Syncs until predicate(sync response) is true; returns what it returned."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = predicate(self.sync())
            if found:
                return found
        raise AssertionError("%s: no %s within %ds" % (self.user_id, what, timeout))

    def wait_for_message(self, room_id, body, timeout=WAIT_S):
        def seen(data):
            room = data["rooms"]["join"].get(room_id, {})
            return any(e["type"] == "m.room.message" and e["content"].get("body") == body
                       for e in room.get("timeline", {}).get("events", []))
        return self.wait_for("message %r in %s" % (body, room_id), seen, timeout)

    def wait_for_invite(self, room_id):
        return self.wait_for("invite to " + room_id,
                             lambda data: data if room_id in data["rooms"]["invite"] else None)

    def wait_until_members(self, room_id, expected, timeout=WAIT_S):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.members(room_id) == set(expected):
                return
            time.sleep(0.2)
        self.assert_members(room_id, expected)

    def assert_members(self, room_id, expected):
        got = self.members(room_id)
        if got != set(expected):
            raise AssertionError("%s sees members %s, expected %s" % (self.user_id, sorted(got),
                                                                      sorted(expected)))


class FederatedRoomsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rig = FederationRig(MYELIN, SPECS).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.rig.__exit__(None, None, None)

    def user(self, server, name):
        return User(self.rig[server], "%s%d" % (name, time.monotonic_ns() % 10**9))

    def test_join_by_id_and_alias_and_exchange_messages(self):
        alice, bob, carol = self.user(A, "alice"), self.user(B, "bob"), self.user(C, "carol")
        alias_name = "talk%d" % (time.monotonic_ns() % 10**9)
        room_id = alice.create_room(preset="public_chat", room_alias_name=alias_name)
        bob.join(room_id, via=[A])                       # by ID, through a.fedtest
        carol.join("#%s:%s" % (alias_name, A))           # by alias: a.fedtest's directory
        everyone = {alice.user_id, bob.user_id, carol.user_id}
        for user in (alice, bob, carol):
            user.wait_until_members(room_id, everyone)

        alice.send(room_id, "hello from a")
        bob.wait_for_message(room_id, "hello from a")
        carol.wait_for_message(room_id, "hello from a")
        bob.send(room_id, "hello from b")
        alice.wait_for_message(room_id, "hello from b")
        carol.wait_for_message(room_id, "hello from b")
        carol.send(room_id, "hello from c")
        alice.wait_for_message(room_id, "hello from c")
        bob.wait_for_message(room_id, "hello from c")
        # Every server ends with the same conversation, in the same order.
        expected = ["hello from a", "hello from b", "hello from c"]
        for user in (alice, bob, carol):
            self.assertEqual(user.timeline_bodies(room_id)[-3:], expected, user.user_id)

        # EDUs: typing and read receipts reach the other servers' users.
        alice.call("PUT", "/_matrix/client/v3/rooms/%s/typing/%s" % (q(room_id),
                                                                   q(alice.user_id)),
                   {"typing": True, "timeout": 30000})

        def ephemeral(user, event_type, predicate):
            def check(data):
                room = data["rooms"]["join"].get(room_id, {})
                return any(e["type"] == event_type and predicate(e["content"])
                           for e in room.get("ephemeral", {}).get("events", []))
            user.wait_for(event_type, check)
        ephemeral(bob, "m.typing", lambda c: alice.user_id in c.get("user_ids", []))
        ephemeral(carol, "m.typing", lambda c: alice.user_id in c.get("user_ids", []))
        _, last = alice.call("GET", "/_matrix/client/v3/rooms/%s/messages?dir=b&limit=1"
                             % q(room_id))
        last_id = last["chunk"][0]["event_id"]
        bob.call("POST", "/_matrix/client/v3/rooms/%s/receipt/m.read/%s" % (q(room_id),
                                                                           q(last_id)), {})
        ephemeral(alice, "m.receipt",
                  lambda c: bob.user_id in c.get(last_id, {}).get("m.read", {}))

        # A room on b.fedtest, joined from the other two.
        room_b = bob.create_room(preset="public_chat")
        alice.join(room_b, via=[B])
        carol.join(room_b, via=[B])
        for user in (alice, bob, carol):
            user.wait_until_members(room_b, everyone)
        carol.send(room_b, "c in b's room")
        alice.wait_for_message(room_b, "c in b's room")

        # Leaving: everyone else sees it.
        carol.call("POST", "/_matrix/client/v3/rooms/%s/leave" % q(room_id), {})
        alice.wait_until_members(room_id, {alice.user_id, bob.user_id})
        bob.wait_until_members(room_id, {alice.user_id, bob.user_id})

    def test_invite_join_and_ban_across_servers(self):
        alice, bob, carol = self.user(A, "alice"), self.user(B, "bob"), self.user(C, "carol")
        room_id = alice.create_room(preset="private_chat")
        # Invite-only: joining without an invite is refused by a.fedtest.
        self.assertEqual(bob.join(room_id, via=[A], expect=None)[0], 403)
        alice.call("POST", "/_matrix/client/v3/rooms/%s/invite" % q(room_id),
                   {"user_id": bob.user_id})
        invite = bob.wait_for_invite(room_id)
        events = invite["rooms"]["invite"][room_id]["invite_state"]["events"]
        self.assertTrue(any(e["type"] == "m.room.member" and e["state_key"] == bob.user_id
                            and e["content"]["membership"] == "invite" for e in events), events)
        bob.join(room_id)  # the inviter's server is asked
        alice.call("POST", "/_matrix/client/v3/rooms/%s/invite" % q(room_id),
                   {"user_id": carol.user_id})
        carol.wait_for_invite(room_id)
        carol.join(room_id)
        everyone = {alice.user_id, bob.user_id, carol.user_id}
        for user in (alice, bob, carol):
            user.wait_until_members(room_id, everyone)

        # Ban carol: every server applies it, and carol can no longer send.
        alice.call("POST", "/_matrix/client/v3/rooms/%s/ban" % q(room_id),
                   {"user_id": carol.user_id, "reason": "test"})
        for user in (alice, bob):
            user.wait_until_members(room_id, {alice.user_id, bob.user_id})
        status, _ = carol.send(room_id, "after the ban", expect=None)
        self.assertEqual(status, 403)
        bob.send(room_id, "still here")
        alice.wait_for_message(room_id, "still here")
        self.assertNotIn("after the ban", alice.timeline_bodies(room_id))

    def test_a_rejected_invite_reaches_the_inviting_server(self):
        alice, carol = self.user(A, "alice"), self.user(C, "carol")
        room_id = alice.create_room(preset="private_chat")
        alice.call("POST", "/_matrix/client/v3/rooms/%s/invite" % q(room_id),
                   {"user_id": carol.user_id})
        carol.wait_for_invite(room_id)
        # c.fedtest does not hold the room: the rejection goes through make/send_leave.
        carol.call("POST", "/_matrix/client/v3/rooms/%s/leave" % q(room_id), {})
        carol.wait_for("the rejected invite under leave",
                       lambda data: room_id in data["rooms"]["leave"])
        _, member = alice.call("GET", "/_matrix/client/v3/rooms/%s/state/m.room.member/%s"
                               % (q(room_id), q(carol.user_id)))
        self.assertEqual(member["membership"], "leave")

    def test_matrix_nio_on_one_server_talks_with_a_user_on_another(self):
        """Debian's python3-matrix-nio, a client nobody here wrote, joins a room on a.fedtest
        through b.fedtest by alias, sends, and receives a.fedtest's answer in its sync."""
        import asyncio
        import nio

        alice = self.user(A, "alice")
        alias_name = "nio%d" % (time.monotonic_ns() % 10**9)
        room_id = alice.create_room(preset="public_chat", room_alias_name=alias_name)
        server_b = self.rig[B]
        name = "nio%d" % (time.monotonic_ns() % 10**9)
        server_b.register(name)

        async def scenario():
            client = nio.AsyncClient(server_b.base_url, "@%s:%s" % (name, B))
            try:
                login = await client.login("correct horse battery staple")
                self.assertIsInstance(login, nio.LoginResponse, login)
                joined = await client.join("#%s:%s" % (alias_name, A))
                self.assertIsInstance(joined, nio.JoinResponse, joined)
                self.assertEqual(joined.room_id, room_id)
                sent = await client.room_send(room_id, "m.room.message",
                                              {"msgtype": "m.text", "body": "nio via b"})
                self.assertIsInstance(sent, nio.RoomSendResponse, sent)
                await asyncio.get_running_loop().run_in_executor(
                    None, alice.wait_for_message, room_id, "nio via b")
                alice.send(room_id, "alice answers nio")
                deadline = time.monotonic() + WAIT_S
                while time.monotonic() < deadline:
                    response = await client.sync(timeout=1000)
                    self.assertIsInstance(response, nio.SyncResponse, response)
                    room = response.rooms.join.get(room_id)
                    bodies = [getattr(e, "body", None) for e in room.timeline.events] \
                        if room else []
                    if "alice answers nio" in bodies:
                        return
                self.fail("nio never saw alice's answer")
            finally:
                await client.close()

        asyncio.run(scenario())

    def test_an_encrypted_conversation_between_nio_clients_on_two_servers(self):
        """End-to-end encryption across federation with Debian's python3-matrix-nio (Olm on):
        a.fedtest's client fetches b.fedtest's device keys (/user/keys/query), claims a one-time
        key (/user/keys/claim) and shares its Megolm session as an Olm-encrypted to-device
        message (m.direct_to_device); b's client decrypts alice's message and answers, which
        alice decrypts the same way. A new device on b reaches alice's device_lists.changed
        (m.device_list_update), and so do bob's cross-signing keys (m.signing_key_update),
        which a.fedtest then serves to alice from b.fedtest."""
        import asyncio
        import tempfile
        import nio
        import signedjson.key
        import signedjson.sign

        encryption = {"type": "m.room.encryption", "state_key": "",
                      "content": {"algorithm": "m.megolm.v1.aes-sha2"}}
        stores = tempfile.TemporaryDirectory()
        clients = []

        async def client_on(server_name, prefix, user=None):
            server = self.rig[server_name]
            name = user or "%s%d" % (prefix, time.monotonic_ns() % 10**9)
            if user is None:
                server.register(name)
            store = tempfile.mkdtemp(dir=stores.name)
            config = nio.AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False,
                                           max_timeouts=1, request_timeout=60)
            client = nio.AsyncClient(server.base_url, "@%s:%s" % (name, server_name),
                                     store_path=store, config=config)
            clients.append(client)
            login = await client.login("correct horse battery staple")
            self.assertIsInstance(login, nio.LoginResponse, login)
            self.assertTrue(client.olm, "nio has no Olm machine: is python3-olm installed?")
            uploaded = await client.keys_upload()
            self.assertIsInstance(uploaded, nio.KeysUploadResponse, uploaded)
            return client, name

        async def sync_until(client, what, found, timeout=WAIT_S):
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                response = await client.sync(timeout=1000)
                self.assertIsInstance(response, nio.SyncResponse, response)
                result = found(response)
                if result:
                    return result
            self.fail("%s: no %s within %ds" % (client.user_id, what, timeout))

        def decrypted(room_id, body):
            def found(response):
                room = response.rooms.join.get(room_id)
                texts = [e.body for e in room.timeline.events
                         if isinstance(e, nio.RoomMessageText)] if room else []
                return body in texts
            return found

        async def scenario():
            alice, _ = await client_on(A, "ealice")
            bob, bob_name = await client_on(B, "ebob")
            created = await alice.room_create(initial_state=[encryption], invite=[bob.user_id])
            self.assertIsInstance(created, nio.RoomCreateResponse, created)
            room_id = created.room_id
            await sync_until(bob, "invite", lambda r: room_id in r.rooms.invite)
            joined = await bob.join(room_id)
            self.assertIsInstance(joined, nio.JoinResponse, joined)
            await sync_until(alice, "bob's join", lambda r: bob.user_id in
                             getattr(alice.rooms.get(room_id), "users", {}))
            await sync_until(bob, "the encrypted room",
                             lambda r: room_id in bob.rooms and bob.rooms[room_id].encrypted)

            # Alice's client asks b.fedtest (through a.fedtest) for bob's keys.
            query = await alice.keys_query()
            self.assertIsInstance(query, nio.KeysQueryResponse, query)
            self.assertIn(bob.device_id, alice.device_store[bob.user_id])
            self.assertEqual(alice.device_store[bob.user_id][bob.device_id].ed25519,
                             bob.olm.account.identity_keys["ed25519"])
            sent = await alice.room_send(room_id, "m.room.message",
                                         {"msgtype": "m.text", "body": "secret across servers"},
                                         ignore_unverified_devices=True)
            self.assertIsInstance(sent, nio.RoomSendResponse, sent)
            await sync_until(bob, "alice's decrypted message",
                             decrypted(room_id, "secret across servers"))

            # And back: bob's Megolm session reaches alice's device the same way.
            await sync_until(bob, "alice's keys", lambda r: True)
            query = await bob.keys_query()
            self.assertIsInstance(query, nio.KeysQueryResponse, query)
            sent = await bob.room_send(room_id, "m.room.message",
                                       {"msgtype": "m.text", "body": "secret reply"},
                                       ignore_unverified_devices=True)
            self.assertIsInstance(sent, nio.RoomSendResponse, sent)
            await sync_until(alice, "bob's decrypted reply", decrypted(room_id, "secret reply"))

            # Bob signs in on a second device: alice's client is told his devices changed.
            await client_on(B, "ebob", user=bob_name)
            await sync_until(alice, "bob in device_lists.changed",
                             lambda r: bob.user_id in r.device_list.changed)

            # Bob sets up cross-signing (keys made by python3-signedjson): alice's client hears
            # of it (m.signing_key_update) and a.fedtest fetches his master key from b.fedtest.
            def signing_key(usage, signer=None):
                key = signedjson.key.generate_signing_key(usage)
                public = signedjson.key.encode_verify_key_base64(
                    signedjson.key.get_verify_key(key))
                key.version = public
                body = {"user_id": bob.user_id, "usage": [usage],
                        "keys": {"ed25519:" + public: public}}
                return key, (signedjson.sign.sign_json(body, bob.user_id, signer)
                             if signer else body)
            master, master_body = signing_key("master")
            _, self_signing_body = signing_key("self_signing", master)
            status, answer = self.rig[B].request(
                "POST", "/_matrix/client/v3/keys/device_signing/upload",
                {"master_key": master_body, "self_signing_key": self_signing_body},
                token=bob.access_token)
            self.assertEqual(status, 200, answer)
            await sync_until(alice, "bob's cross-signing keys in device_lists.changed",
                             lambda r: bob.user_id in r.device_list.changed)
            status, answer = self.rig[A].request(
                "POST", "/_matrix/client/v3/keys/query", {"device_keys": {bob.user_id: []}},
                token=alice.access_token)
            self.assertEqual(status, 200, answer)
            self.assertEqual(answer["master_keys"][bob.user_id]["keys"], master_body["keys"])

        try:
            asyncio.run(scenario())
        finally:
            async def close_all():
                for client in clients:
                    await client.close()
            asyncio.run(close_all())
            stores.cleanup()

    def test_history_is_back_filled_for_a_late_joiner(self):
        alice, bob = self.user(A, "alice"), self.user(B, "bob")
        room_id = alice.create_room(preset="public_chat")
        earlier = ["history %d" % i for i in range(25)]
        for body in earlier:
            alice.send(room_id, body)
        bob.join(room_id, via=[A])
        deadline = time.monotonic() + WAIT_S
        seen = []
        while time.monotonic() < deadline:
            seen = bob.timeline_bodies(room_id, limit=100)
            if seen[:25] == earlier:
                break
            time.sleep(0.3)
        self.assertEqual(seen[:25], earlier)

    def test_messages_queued_for_a_stopped_server_arrive_after_restart(self):
        alice, bob = self.user(A, "alice"), self.user(B, "bob")
        room_id = alice.create_room(preset="public_chat")
        bob.join(room_id, via=[A])
        alice.wait_until_members(room_id, {alice.user_id, bob.user_id})
        server_b = self.rig[B]
        server_b.stop()
        queued = ["while b was down %d" % i for i in range(5)]
        for body in queued:
            alice.send(room_id, body)
        server_b.start()
        bob.since = None
        # Back-off may delay the first retry; b's own traffic to a.fedtest wakes the queue too.
        bob.send(room_id, "b is back")
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            bodies = bob.timeline_bodies(room_id)
            if all(body in bodies for body in queued):
                break
            time.sleep(0.5)
        bodies = bob.timeline_bodies(room_id)
        for body in queued:
            self.assertIn(body, bodies)

    def test_forged_pdus_are_refused(self):
        alice, bob = self.user(A, "alice"), self.user(B, "bob")
        room_id = alice.create_room(preset="public_chat")
        bob.join(room_id, via=[A])
        alice.wait_until_members(room_id, {alice.user_id, bob.user_id})
        alice.send(room_id, "before the forgeries")

        # The room as a.fedtest holds it: auth events for a message from bob, and the latest event.
        _, state = alice.call("GET", "/_matrix/client/v3/rooms/%s/state" % q(room_id))
        def state_id(event_type, state_key=""):
            return next(e["event_id"] for e in state
                        if e["type"] == event_type and e["state_key"] == state_key)
        _, latest = alice.call("GET", "/_matrix/client/v3/rooms/%s/messages?dir=b&limit=1"
                               % q(room_id))
        prev = [latest["chunk"][0]["event_id"]]
        depth = 100
        auth_for_bob = [state_id("m.room.create"), state_id("m.room.power_levels"),
                        state_id("m.room.member", bob.user_id)]

        server_a, server_b = self.rig[A], self.rig[B]
        b_key = matrix_fed.read_signing_key(server_b)
        as_b = matrix_fed.FederationRequester(B, b_key, A, server_a.spec.federation_address,
                                              server_a.spec.federation_port,
                                              self.rig.ca.ca_path)
        import signedjson.key
        impostor_key = signedjson.key.generate_signing_key(b_key.version)

        honest, honest_id = matrix_fed.build_message(room_id, bob.user_id, B, b_key, prev,
                                                     auth_for_bob, depth, "honest from b")
        bad_signature, bad_signature_id = matrix_fed.build_message(
            room_id, bob.user_id, B, impostor_key, prev, auth_for_bob, depth, "forged signature")
        bad_hash, bad_hash_id = matrix_fed.build_message(
            room_id, bob.user_id, B, b_key, prev, auth_for_bob, depth, "forged hash",
            tamper_after_signing=True)
        stranger = "@stranger:" + B  # not in the room: the auth rules refuse their messages
        auth_for_stranger = [state_id("m.room.create"), state_id("m.room.power_levels")]
        not_member, not_member_id = matrix_fed.build_message(
            room_id, stranger, B, b_key, prev, auth_for_stranger, depth, "forged membership")

        status, answer = as_b.send_transaction([bad_signature, bad_hash, not_member, honest])
        self.assertEqual(status, 200, answer)
        results = answer["pdus"]
        self.assertIn("error", results.get(bad_signature_id, {}), results)
        self.assertIn("error", results.get(not_member_id, {}), results)
        self.assertEqual(results.get(honest_id), {}, results)

        alice.wait_for_message(room_id, "honest from b")
        bodies = alice.timeline_bodies(room_id)
        for forged in ("forged signature", "forged membership", "forged hash (tampered)",
                       "forged hash"):
            self.assertNotIn(forged, bodies)

        # A request signed for another destination is refused outright.
        wrong_destination = matrix_fed.FederationRequester(
            B, b_key, A, server_a.spec.federation_address, server_a.spec.federation_port,
            self.rig.ca.ca_path)
        wrong_destination.claimed_destination = C
        status, data = wrong_destination.request(
            "GET", "/_matrix/federation/v1/state_ids/%s?event_id=%s" % (q(room_id),
                                                                        q(prev[0])))
        self.assertEqual(status, 401, data)

    def test_a_server_with_a_self_signed_certificate_is_refused(self):
        alice = self.user(A, "alice")
        mallory = self.user(BAD, "mallory")
        room_id = mallory.create_room(preset="public_chat")
        status, data = alice.join(room_id, via=[BAD], expect=None)
        self.assertNotEqual(status, 200, data)
        self.assertNotIn(alice.user_id, mallory.members(room_id))


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
