#!/usr/bin/python3
"""Debian's python3-matrix-nio (0.20, legacy r0 paths) drives the real `myelin serve`.

nio is a client nobody here wrote: it validates every response against its own JSON schemas,
so a response shape that differs from the spec shows up as an nio *Error object here.

Usage: nio_test.py PATH_TO_MYELIN
"""
import asyncio
import itertools
import os
import sys
import time
import unittest

import nio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

MYELIN = harness.myelin_path()
PASSWORD = "correct horse battery staple"
SERVER_NAME = "localhost"

server = None
_names = itertools.count()


def setUpModule():
    global server
    server = harness.start_homeserver(MYELIN, server_name=SERVER_NAME)


def tearDownModule():
    try:
        server.close()
    except BaseException:
        print(server.stderr_tail(), file=sys.stderr)
        raise


def unique(prefix):
    return "%s%d" % (prefix, next(_names))


class NioTestCase(unittest.IsolatedAsyncioTestCase):
    """Creates nio clients for one test and closes them after it."""

    hs = None  # the Homeserver; the module's unless a class sets its own

    def server(self):
        return self.hs or server

    async def asyncSetUp(self):
        self.clients = []
        self.server().revive()

    async def asyncTearDown(self):
        for client in self.clients:
            await client.close()
        self.assertTrue(self.server().alive(), self.server().death_report())

    def client(self, user=""):
        config = nio.AsyncClientConfig(encryption_enabled=False, store_sync_tokens=False,
                                       max_timeouts=1, request_timeout=60)
        client = nio.AsyncClient(self.server().base_url, user, config=config)
        self.clients.append(client)
        return client

    def ok(self, response, kind):
        if not isinstance(response, kind):
            self.fail("expected %s, got %r\n%s" % (kind.__name__, response,
                                                  self.server().stderr_tail(15)))
        return response

    def whoami_raw(self, token):
        status, body = self.server().request("GET", "/_matrix/client/v3/account/whoami",
                                             token=token)
        if isinstance(body, dict):
            body = {k: v for k, v in body.items() if k in ("user_id", "device_id")}
        return status, body

    def error(self, response, kind, errcode):
        self.assertIsInstance(response, kind, response)
        self.assertEqual(response.status_code, errcode, response)
        return response

    async def user(self, prefix="user"):
        """A freshly registered user, logged in by nio's own register call (dummy auth)."""
        name = unique(prefix)
        client = self.client()
        response = self.ok(await client.register(name, PASSWORD, device_name="nio e2e"),
                           nio.RegisterResponse)
        self.assertEqual(response.user_id, "@%s:%s" % (name, SERVER_NAME))
        self.assertTrue(client.access_token)
        client.user = response.user_id
        return client

    async def room(self, owner, members=(), **kwargs):
        """A room created by `owner` and joined by every client in `members`."""
        response = self.ok(await owner.room_create(**kwargs), nio.RoomCreateResponse)
        for member in members:
            if kwargs.get("visibility") != nio.RoomVisibility.public:
                self.ok(await owner.room_invite(response.room_id, member.user_id),
                        nio.RoomInviteResponse)
            self.ok(await member.join(response.room_id), nio.JoinResponse)
        return response.room_id

    async def sync_until(self, client, predicate, timeout=15.0, poll_ms=1000):
        """Incremental syncs until predicate(sync_response) holds; returns that response."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = self.ok(await client.sync(timeout=poll_ms), nio.SyncResponse)
            if predicate(response):
                return response
        self.fail("condition not seen in sync within %ss" % timeout)

    async def send_text(self, client, room_id, body):
        response = self.ok(await client.room_send(room_id, "m.room.message",
                                                  {"msgtype": "m.text", "body": body}),
                           nio.RoomSendResponse)
        return response.event_id


def timeline_of(response, room_id):
    room = response.rooms.join.get(room_id)
    return room.timeline.events if room else []


def bodies(events):
    return [e.source.get("content", {}).get("body") for e in events
            if e.source.get("type") == "m.room.message"]


class AccountTest(NioTestCase):
    async def test_register_login_whoami(self):
        alice = await self.user("alice")
        second = self.client(alice.user_id)
        login = self.ok(await second.login(PASSWORD, device_name="second"), nio.LoginResponse)
        self.assertEqual(login.user_id, alice.user_id)
        self.assertNotEqual(login.device_id, alice.device_id)
        self.assertNotEqual(login.access_token, alice.access_token)
        whoami = self.ok(await second.whoami(), nio.responses.WhoamiResponse)
        self.assertEqual(whoami.user_id, alice.user_id)
        # nio 0.20 drops whoami's device_id; read it raw.
        self.assertEqual(self.whoami_raw(login.access_token),
                         (200, {"user_id": alice.user_id, "device_id": login.device_id}))

    async def test_wrong_password(self):
        alice = await self.user("alice")
        other = self.client(alice.user_id)
        self.error(await other.login("not the password"), nio.LoginError, "M_FORBIDDEN")

    async def test_register_taken_name(self):
        alice = await self.user("alice")
        again = self.client()
        self.error(await again.register(alice.user_id.split(":")[0][1:], PASSWORD),
                   nio.responses.RegisterErrorResponse, "M_USER_IN_USE")

    async def test_profile_displayname(self):
        alice, bob = await self.user("alice"), await self.user("bob")
        self.ok(await alice.set_displayname("Alice in e2e"), nio.ProfileSetDisplayNameResponse)
        got = self.ok(await bob.get_displayname(alice.user_id), nio.ProfileGetDisplayNameResponse)
        self.assertEqual(got.displayname, "Alice in e2e")
        profile = self.ok(await bob.get_profile(alice.user_id), nio.ProfileGetResponse)
        self.assertEqual(profile.displayname, "Alice in e2e")

    async def test_devices_list_and_logout(self):
        alice = await self.user("alice")
        second = self.client(alice.user_id)
        login = self.ok(await second.login(PASSWORD, device_name="laptop"), nio.LoginResponse)
        third = self.client(alice.user_id)
        third_login = self.ok(await third.login(PASSWORD, device_name="phone"), nio.LoginResponse)

        devices = self.ok(await alice.devices(), nio.DevicesResponse).devices
        by_id = {d.id: d for d in devices}
        self.assertEqual(set(by_id), {alice.device_id, login.device_id, third_login.device_id})
        self.assertEqual(by_id[login.device_id].display_name, "laptop")
        self.assertEqual(by_id[alice.device_id].display_name, "nio e2e")

        # Logout ends exactly that device's token.
        self.ok(await second.logout(), nio.LogoutResponse)
        status, body = self.server().request("GET", "/_matrix/client/r0/account/whoami",
                                             token=login.access_token)
        self.assertEqual((status, body.get("errcode")), (401, "M_UNKNOWN_TOKEN"))
        devices = self.ok(await alice.devices(), nio.DevicesResponse).devices
        self.assertEqual({d.id for d in devices}, {alice.device_id, third_login.device_id})

        # Deleting a device needs user-interactive auth: first a 401 with a session.
        challenge = self.ok(await alice.delete_devices([third_login.device_id]),
                            nio.DeleteDevicesAuthResponse)
        self.assertIn(["m.login.password"], [f["stages"] for f in challenge.flows])
        auth = {"type": "m.login.password", "session": challenge.session,
                "identifier": {"type": "m.id.user", "user": alice.user_id}, "password": PASSWORD}
        self.ok(await alice.delete_devices([third_login.device_id], auth),
                nio.DeleteDevicesResponse)
        status, body = self.server().request("GET", "/_matrix/client/r0/account/whoami",
                                             token=third_login.access_token)
        self.assertEqual((status, body.get("errcode")), (401, "M_UNKNOWN_TOKEN"))
        devices = self.ok(await alice.devices(), nio.DevicesResponse).devices
        self.assertEqual([d.id for d in devices], [alice.device_id])


class ConversationTest(NioTestCase):
    async def test_invite_join_and_converse(self):
        alice, bob = await self.user("alice"), await self.user("bob")
        room_id = self.ok(await alice.room_create(name="Tea", topic="Earl Grey"),
                          nio.RoomCreateResponse).room_id
        self.ok(await alice.room_invite(room_id, bob.user_id), nio.RoomInviteResponse)

        invited = await self.sync_until(bob, lambda r: room_id in r.rooms.invite)
        invite_state = {e.source["type"] for e in invited.rooms.invite[room_id].invite_state}
        self.assertIn("m.room.member", invite_state)
        self.ok(await bob.join(room_id), nio.JoinResponse)

        joined = self.ok(await bob.joined_rooms(), nio.JoinedRoomsResponse)
        self.assertIn(room_id, joined.rooms)
        members = self.ok(await alice.joined_members(room_id), nio.JoinedMembersResponse)
        self.assertEqual({m.user_id for m in members.members}, {alice.user_id, bob.user_id})

        await self.sync_until(alice, lambda r: room_id in r.rooms.join)
        await self.sync_until(bob, lambda r: room_id in r.rooms.join)
        sent = {}
        for i in range(5):
            sent[await self.send_text(alice, room_id, "from alice %d" % i)] = "from alice %d" % i
            sent[await self.send_text(bob, room_id, "from bob %d" % i)] = "from bob %d" % i

        for client in (alice, bob):
            seen = []

            def collect(response):
                seen.extend(timeline_of(response, room_id))
                return len([e for e in seen if e.event_id in sent]) >= len(sent)

            await self.sync_until(client, collect)
            ordered = [sent[e.event_id] for e in seen if e.event_id in sent]
            self.assertEqual(ordered, list(sent.values()), "sync order differs from send order")
            self.assertEqual(len(ordered), len(set(ordered)), "duplicates in sync")
        # nio's room model agrees: names and members as the state says.
        room = bob.rooms[room_id]
        self.assertEqual(room.name, "Tea")
        self.assertEqual(room.topic, "Earl Grey")
        self.assertEqual(set(room.users), {alice.user_id, bob.user_id})

    async def test_transaction_id_idempotency(self):
        alice = await self.user("alice")
        room_id = await self.room(alice)
        first = self.ok(await alice.room_send(room_id, "m.room.message",
                                              {"msgtype": "m.text", "body": "once"}, tx_id="tx1"),
                        nio.RoomSendResponse)
        again = self.ok(await alice.room_send(room_id, "m.room.message",
                                              {"msgtype": "m.text", "body": "once"}, tx_id="tx1"),
                        nio.RoomSendResponse)
        self.assertEqual(first.event_id, again.event_id)
        sync = self.ok(await alice.sync(timeout=0), nio.SyncResponse)
        self.assertEqual(bodies(timeline_of(sync, room_id)).count("once"), 1)

    async def test_typing_and_receipts(self):
        alice, bob = await self.user("alice"), await self.user("bob")
        room_id = await self.room(alice, [bob])
        await self.sync_until(bob, lambda r: room_id in r.rooms.join)
        await self.sync_until(alice, lambda r: room_id in r.rooms.join)

        self.ok(await alice.room_typing(room_id, True, 30000), nio.RoomTypingResponse)

        def alice_typing(response):
            room = response.rooms.join.get(room_id)
            return room is not None and any(
                isinstance(e, nio.TypingNoticeEvent) and alice.user_id in e.users
                for e in room.ephemeral)

        await self.sync_until(bob, alice_typing)
        self.ok(await alice.room_typing(room_id, False), nio.RoomTypingResponse)

        def nobody_typing(response):
            room = response.rooms.join.get(room_id)
            return room is not None and any(
                isinstance(e, nio.TypingNoticeEvent) and not e.users for e in room.ephemeral)

        await self.sync_until(bob, nobody_typing)

        event_id = await self.send_text(alice, room_id, "read me")
        await self.sync_until(bob, lambda r: event_id in [e.event_id
                                                          for e in timeline_of(r, room_id)])
        self.ok(await bob.update_receipt_marker(room_id, event_id), nio.UpdateReceiptMarkerResponse)

        def bob_read(response):
            room = response.rooms.join.get(room_id)
            return room is not None and any(
                isinstance(e, nio.ReceiptEvent) and any(
                    r.event_id == event_id and r.user_id == bob.user_id
                    and r.receipt_type == "m.read" for r in e.receipts)
                for e in room.ephemeral)

        await self.sync_until(alice, bob_read)
        self.ok(await bob.room_read_markers(room_id, event_id, event_id),
                nio.RoomReadMarkersResponse)

    async def test_long_poll_wakes_promptly(self):
        alice, bob = await self.user("alice"), await self.user("bob")
        room_id = await self.room(alice, [bob])
        await self.sync_until(bob, lambda r: room_id in r.rooms.join)
        # Drain anything pending so the next sync has nothing to return but the new message.
        self.ok(await bob.sync(timeout=0), nio.SyncResponse)

        waiting = asyncio.ensure_future(bob.sync(timeout=30000))
        await asyncio.sleep(0.5)  # let the request reach the server and park
        self.assertFalse(waiting.done(), "sync with timeout=30000 returned before any event: %r"
                         % (waiting.done() and waiting.result(),))
        sent_at = time.monotonic()
        event_id = await self.send_text(alice, room_id, "wake up")
        response = self.ok(await asyncio.wait_for(waiting, 35), nio.SyncResponse)
        elapsed = time.monotonic() - sent_at
        self.assertLess(elapsed, 2.0, "long-poll woke %.2fs after the send" % elapsed)
        self.assertIn(event_id, [e.event_id for e in timeline_of(response, room_id)])


class IdleLongPollTest(NioTestCase):
    async def test_timeout_is_honoured_when_nothing_happens(self):
        alice = await self.user("alice")
        await self.room(alice)
        self.ok(await alice.sync(timeout=0), nio.SyncResponse)
        started = time.monotonic()
        response = self.ok(await alice.sync(timeout=1500), nio.SyncResponse)
        elapsed = time.monotonic() - started
        # The server holds the request about `timeout` ms, then answers with a usable token.
        self.assertGreater(elapsed, 1.2, "sync returned early with nothing to say")
        self.assertLess(elapsed, 5.0, "sync overstayed its timeout")
        self.assertTrue(response.next_batch)
        self.assertEqual([e for room in response.rooms.join.values()
                          for e in room.timeline.events], [])


class MembershipTest(NioTestCase):
    async def test_leave_forget_ban_unban(self):
        alice, bob = await self.user("alice"), await self.user("bob")
        room_id = await self.room(alice, [bob], visibility=nio.RoomVisibility.public,
                                  preset=nio.RoomPreset.public_chat)
        await self.sync_until(bob, lambda r: room_id in r.rooms.join)
        self.ok(await bob.room_leave(room_id), nio.RoomLeaveResponse)
        await self.sync_until(bob, lambda r: room_id in r.rooms.leave)
        joined = self.ok(await bob.joined_rooms(), nio.JoinedRoomsResponse)
        self.assertNotIn(room_id, joined.rooms)
        self.ok(await bob.room_forget(room_id), nio.RoomForgetResponse)

        # Banned: cannot rejoin a public room until unbanned.
        self.ok(await alice.room_ban(room_id, bob.user_id, reason="spam"), nio.RoomBanResponse)
        self.error(await bob.join(room_id), nio.JoinError, "M_FORBIDDEN")
        self.ok(await alice.room_unban(room_id, bob.user_id), nio.RoomUnbanResponse)
        self.ok(await bob.join(room_id), nio.JoinResponse)

    async def test_context_around_event(self):
        alice = await self.user("alice")
        room_id = await self.room(alice)
        ids = [await self.send_text(alice, room_id, "c%d" % i) for i in range(9)]
        context = self.ok(await alice.room_context(room_id, ids[4], limit=4),
                          nio.RoomContextResponse)
        self.assertEqual(context.event.event_id, ids[4])
        # The limit bounds before + after together; events_before is nearest (newest) first,
        # events_after nearest (oldest) first (spec /context).
        before = [e.event_id for e in context.events_before]
        after = [e.event_id for e in context.events_after]
        self.assertLessEqual(len(before) + len(after), 4)
        self.assertTrue(before and after, "context on both sides of a mid-history event")
        self.assertEqual(before, ids[:4][::-1][:len(before)])
        self.assertEqual(after, ids[5:][:len(after)])
        state_types = {e.source["type"] for e in context.state}
        self.assertIn("m.room.create", state_types)


class PaginationTest(NioTestCase):
    kCount = 500

    async def test_500_messages_both_directions(self):
        alice = await self.user("alice")
        room_id = await self.room(alice, name="history")
        before = self.ok(await alice.sync(timeout=0), nio.SyncResponse).next_batch

        expected = ["m%03d" % i for i in range(self.kCount)]
        ids = []
        for body in expected:
            ids.append(await self.send_text(alice, room_id, body))
        self.assertEqual(len(set(ids)), self.kCount)
        now = self.ok(await alice.sync(timeout=0), nio.SyncResponse)
        joined = now.rooms.join[room_id]
        self.assertTrue(joined.timeline.limited, "500 new events must give a limited timeline")
        self.assertTrue(joined.timeline.prev_batch)

        # Backwards from the live end of the sync: newest first, down to m.room.create.
        seen, token, pages = [], now.next_batch, 0
        while True:
            page = self.ok(await alice.room_messages(room_id, token, limit=37,
                                                     direction=nio.MessageDirection.back),
                           nio.RoomMessagesResponse)
            pages += 1
            self.assertLess(pages, 100, "backwards pagination does not end")
            self.assertLessEqual(len(page.chunk), 37)
            seen.extend(page.chunk)
            if page.end is None:
                break
            self.assertTrue(page.chunk, "a page with an end token must not be empty")
            token = page.end
        event_ids = [e.event_id for e in seen]
        self.assertEqual(len(event_ids), len(set(event_ids)), "duplicates paginating backwards")
        self.assertEqual(bodies(seen), expected[::-1])
        self.assertEqual(seen[-1].source["type"], "m.room.create", "end reached at the start")

        # Backwards from the sync's prev_batch: the events before its timeline, no overlap.
        in_timeline = {e.event_id for e in joined.timeline.events}
        page = self.ok(await alice.room_messages(room_id, joined.timeline.prev_batch, limit=20),
                       nio.RoomMessagesResponse)
        self.assertTrue(page.chunk)
        self.assertFalse(in_timeline & {e.event_id for e in page.chunk},
                         "prev_batch pagination repeats the sync timeline")
        timeline_bodies = bodies(joined.timeline.events)
        if timeline_bodies:
            first = expected.index(timeline_bodies[0])
            self.assertEqual(bodies(page.chunk), expected[max(0, first - 20):first][::-1])

        # Forwards from the token taken before the first send: oldest first, to the live end.
        seen, token, pages = [], before, 0
        while True:
            page = self.ok(await alice.room_messages(room_id, token, limit=41,
                                                     direction=nio.MessageDirection.front),
                           nio.RoomMessagesResponse)
            pages += 1
            self.assertLess(pages, 100, "forwards pagination does not end")
            seen.extend(page.chunk)
            if page.end is None or not page.chunk:
                break
            token = page.end
        event_ids = [e.event_id for e in seen]
        self.assertEqual(len(event_ids), len(set(event_ids)), "duplicates paginating forwards")
        self.assertEqual(bodies(seen), expected)
        self.assertEqual(event_ids, ids)

        # `to` bounds pagination: from the live end back to the pre-send token gives the 500
        # messages and nothing older. (Servers may cap `limit`, so page until the end.)
        seen, token, pages = [], now.next_batch, 0
        while True:
            page = self.ok(await alice.room_messages(room_id, token, end=before, limit=200),
                           nio.RoomMessagesResponse)
            pages += 1
            self.assertLess(pages, 100, "pagination with `to` does not end")
            seen.extend(page.chunk)
            if page.end is None or not page.chunk:
                break
            token = page.end
        self.assertEqual(bodies(seen), expected[::-1])
        self.assertEqual([e.event_id for e in seen], ids[::-1])


class PowerLevelsTest(NioTestCase):
    async def test_enforcement(self):
        alice, bob, carol = (await self.user("alice"), await self.user("bob"),
                             await self.user("carol"))
        room_id = await self.room(alice, [bob, carol], name="ruled")

        # Users default to 0; state needs 50 and kick needs 50 (createRoom's defaults).
        self.error(await bob.room_put_state(room_id, "m.room.name", {"name": "mine"}),
                   nio.RoomPutStateError, "M_FORBIDDEN")
        self.error(await bob.room_kick(room_id, carol.user_id), nio.RoomKickError,
                   "M_FORBIDDEN")
        self.error(await bob.room_kick(room_id, alice.user_id), nio.RoomKickError,
                   "M_FORBIDDEN")
        self.error(await bob.room_put_state(room_id, "m.room.power_levels",
                                            {"users": {bob.user_id: 100}}),
                   nio.RoomPutStateError, "M_FORBIDDEN")
        state = self.ok(await alice.room_get_state_event(room_id, "m.room.name"),
                        nio.RoomGetStateEventResponse)
        self.assertEqual(state.content, {"name": "ruled"})

        # Alice raises Bob to 50: now he may set the name and kick Carol, but not Alice (100).
        levels = self.ok(await alice.room_get_state_event(room_id, "m.room.power_levels"),
                         nio.RoomGetStateEventResponse).content
        self.assertEqual(levels["users"].get(alice.user_id), 100)
        levels["users"][bob.user_id] = 50
        self.ok(await alice.room_put_state(room_id, "m.room.power_levels", levels),
                nio.RoomPutStateResponse)
        self.ok(await bob.room_put_state(room_id, "m.room.name", {"name": "mine"}),
                nio.RoomPutStateResponse)
        self.error(await bob.room_kick(room_id, alice.user_id), nio.RoomKickError,
                   "M_FORBIDDEN")
        self.ok(await bob.room_kick(room_id, carol.user_id, reason="testing"),
                nio.RoomKickResponse)
        member = self.ok(await alice.room_get_state_event(room_id, "m.room.member",
                                                          carol.user_id),
                         nio.RoomGetStateEventResponse)
        self.assertEqual(member.content.get("membership"), "leave")
        self.assertEqual(member.content.get("reason"), "testing")
        # Bob cannot give himself more than he has.
        levels["users"][bob.user_id] = 100
        self.error(await bob.room_put_state(room_id, "m.room.power_levels", levels),
                   nio.RoomPutStateError, "M_FORBIDDEN")
        # Carol, kicked, cannot post.
        response = await carol.room_send(room_id, "m.room.message",
                                         {"msgtype": "m.text", "body": "let me in"})
        self.error(response, nio.RoomSendError, "M_FORBIDDEN")

    async def test_join_private_room_uninvited(self):
        alice, bob = await self.user("alice"), await self.user("bob")
        room_id = await self.room(alice, preset=nio.RoomPreset.private_chat)
        self.error(await bob.join(room_id), nio.JoinError, "M_FORBIDDEN")


class RedactionTest(NioTestCase):
    async def test_content_stripped(self):
        alice, bob = await self.user("alice"), await self.user("bob")
        room_id = await self.room(alice, [bob])
        secret = await self.send_text(alice, room_id, "secret words")
        kept = await self.send_text(alice, room_id, "kept words")
        redaction = self.ok(await alice.room_redact(room_id, secret, reason="oops"),
                            nio.RoomRedactResponse)
        # Bob (power 0) may not redact Alice's message: redact needs 50. The spec leaves the
        # server a choice (refuse with M_FORBIDDEN, as Synapse does, or accept the redaction
        # event without applying it); either way Alice's message must stay intact below.
        refused = await bob.room_redact(room_id, kept)
        if isinstance(refused, nio.RoomRedactError):
            self.assertEqual(refused.status_code, "M_FORBIDDEN", refused)
        else:
            self.ok(refused, nio.RoomRedactResponse)

        page = self.ok(await bob.room_messages(room_id, (await self._sync_token(bob)),
                                               limit=50),
                       nio.RoomMessagesResponse)
        by_id = {e.event_id: e.source for e in page.chunk}
        self.assertIn(secret, by_id)
        self.assertEqual(by_id[secret]["content"], {})
        self.assertEqual(by_id[secret]["type"], "m.room.message")
        because = by_id[secret].get("unsigned", {}).get("redacted_because", {})
        self.assertEqual(because.get("event_id"), redaction.event_id)
        self.assertEqual(by_id[kept]["content"].get("body"), "kept words",
                         "a redaction by a user without the redact level was applied")
        self.assertEqual(by_id[redaction.event_id]["type"], "m.room.redaction")
        self.assertEqual(by_id[redaction.event_id].get("redacts",
                         by_id[redaction.event_id]["content"].get("redacts")), secret)

        # A fresh (initial) sync shows the stripped event too.
        fresh = self.client(bob.user_id)
        self.ok(await fresh.login(PASSWORD), nio.LoginResponse)
        sync = self.ok(await fresh.sync(timeout=0, full_state=True), nio.SyncResponse)
        events = {e.event_id: e for e in timeline_of(sync, room_id)}
        self.assertIn(secret, events)
        self.assertIsInstance(events[secret], nio.RedactedEvent)
        self.assertEqual(events[secret].source["content"], {})
        self.assertNotIn("secret words", repr(sync.rooms.join[room_id].timeline))

        # GET /event returns the redacted form.
        got = self.ok(await bob.room_get_event(room_id, secret), nio.RoomGetEventResponse)
        self.assertEqual(got.event.source["content"], {})

    async def _sync_token(self, client):
        return self.ok(await client.sync(timeout=0), nio.SyncResponse).next_batch


class AliasDirectoryTest(NioTestCase):
    async def test_alias_create_resolve_join(self):
        alice, bob = await self.user("alice"), await self.user("bob")
        room_id = await self.room(alice, visibility=nio.RoomVisibility.public,
                                  preset=nio.RoomPreset.public_chat)
        alias = "#%s:%s" % (unique("lounge"), SERVER_NAME)
        self.ok(await alice.room_put_alias(alias, room_id), nio.RoomPutAliasResponse)
        resolved = self.ok(await bob.room_resolve_alias(alias), nio.RoomResolveAliasResponse)
        self.assertEqual(resolved.room_id, room_id)
        self.assertIn(SERVER_NAME, resolved.servers)
        # Taken alias: 409 M_UNKNOWN per spec ("alias already exists").
        status, body = self.server().request(
            "PUT", "/_matrix/client/v3/directory/room/" + harness.quote(alias),
            {"room_id": room_id}, token=bob.access_token)
        self.assertEqual(status, 409, body)

        joined = self.ok(await bob.join(alias), nio.JoinResponse)
        self.assertEqual(joined.room_id, room_id)
        members = self.ok(await alice.joined_members(room_id), nio.JoinedMembersResponse)
        self.assertIn(bob.user_id, {m.user_id for m in members.members})

        # createRoom's room_alias_name creates the alias and the canonical alias state.
        named = unique("named")
        other = self.ok(await alice.room_create(alias=named), nio.RoomCreateResponse).room_id
        resolved = self.ok(await bob.room_resolve_alias("#%s:%s" % (named, SERVER_NAME)),
                           nio.RoomResolveAliasResponse)
        self.assertEqual(resolved.room_id, other)
        canonical = self.ok(await alice.room_get_state_event(other, "m.room.canonical_alias"),
                            nio.RoomGetStateEventResponse)
        self.assertEqual(canonical.content.get("alias"), "#%s:%s" % (named, SERVER_NAME))

        self.ok(await alice.room_delete_alias(alias), nio.RoomDeleteAliasResponse)
        self.error(await bob.room_resolve_alias(alias), nio.RoomResolveAliasError, "M_NOT_FOUND")

    async def test_public_room_directory(self):
        alice, bob, carol = (await self.user("alice"), await self.user("bob"),
                             await self.user("carol"))
        topic = unique("topic")
        public_id = await self.room(alice, [bob, carol], visibility=nio.RoomVisibility.public,
                                    preset=nio.RoomPreset.public_chat, name="Town square",
                                    topic=topic)
        private_id = await self.room(alice, name="Back room",
                                     preset=nio.RoomPreset.private_chat)
        hs = self.server()

        for path in ["/_matrix/client/r0/publicRooms", "/_matrix/client/v3/publicRooms"]:
            status, body = hs.request("GET", path)  # no token needed for the local directory
            self.assertEqual(status, 200, body)
            chunk = {r["room_id"]: r for r in body["chunk"]}
            self.assertIn(public_id, chunk)
            self.assertNotIn(private_id, chunk)
            entry = chunk[public_id]
            self.assertEqual(entry["name"], "Town square")
            self.assertEqual(entry["topic"], topic)
            self.assertEqual(entry["num_joined_members"], 3)
            self.assertIs(entry["world_readable"], False)
            self.assertIs(entry["guest_can_join"], False)
            self.assertEqual(entry.get("join_rule", "public"), "public")

        # Filtered search (POST, authenticated) finds it by topic; a non-matching term does not.
        status, body = hs.request("POST", "/_matrix/client/v3/publicRooms",
                                  {"filter": {"generic_search_term": topic}},
                                  token=bob.access_token)
        self.assertEqual(status, 200, body)
        self.assertEqual([r["room_id"] for r in body["chunk"]], [public_id])
        status, body = hs.request("POST", "/_matrix/client/v3/publicRooms",
                                  {"filter": {"generic_search_term": "no such words xyz"}},
                                  token=bob.access_token)
        self.assertEqual((status, body["chunk"]), (200, []))

        # Visibility is readable and changeable through /directory/list/room.
        visibility = self.ok(await bob.room_get_visibility(public_id),
                             nio.RoomGetVisibilityResponse)
        self.assertEqual(visibility.visibility, "public")
        status, body = hs.request("PUT", "/_matrix/client/v3/directory/list/room/" +
                                  harness.quote(public_id), {"visibility": "private"},
                                  token=alice.access_token)
        self.assertEqual(status, 200, body)
        status, body = hs.request("GET", "/_matrix/client/v3/publicRooms")
        self.assertNotIn(public_id, [r["room_id"] for r in body["chunk"]])

    async def test_public_rooms_pagination(self):
        alice = await self.user("alice")
        marker = unique("pagetopic")
        created = set()
        for i in range(7):
            created.add(await self.room(alice, visibility=nio.RoomVisibility.public,
                                        preset=nio.RoomPreset.public_chat,
                                        name="page %d" % i, topic=marker))
        seen, since, pages = [], None, 0
        while True:
            body = {"limit": 3, "filter": {"generic_search_term": marker}}
            if since:
                body["since"] = since
            status, page = self.server().request("POST", "/_matrix/client/v3/publicRooms", body,
                                                 token=alice.access_token)
            self.assertEqual(status, 200, page)
            self.assertLessEqual(len(page["chunk"]), 3)
            seen.extend(r["room_id"] for r in page["chunk"])
            pages += 1
            self.assertLess(pages, 10)
            since = page.get("next_batch")
            if not since:
                break
        self.assertEqual(len(seen), len(set(seen)), "a room listed twice")
        self.assertEqual(set(seen), created)


class RestartTest(NioTestCase):
    """Stop and start with the same data directory: nothing is lost."""

    @classmethod
    def setUpClass(cls):
        cls.hs = harness.Homeserver(MYELIN, server_name=SERVER_NAME)
        try:
            cls.hs.start()
        except BaseException:
            cls.hs.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.hs.close()

    async def _close_clients(self):
        for client in list(self.clients):
            await client.close()
        self.clients.clear()

    async def test_restart_keeps_messages_and_tokens(self):
        alice, bob = await self.user("alice"), await self.user("bob")
        room_id = await self.room(alice, [bob], name="durable", topic="survives")
        sent = [await self.send_text(alice if i % 2 else bob, room_id, "before %d" % i)
                for i in range(30)]
        token_before = self.ok(await bob.sync(timeout=0), nio.SyncResponse).next_batch
        alice_token, alice_device = alice.access_token, alice.device_id
        await self._close_clients()

        self.hs.restart()

        # The old access token still works, for the same device.
        again = self.client(alice.user_id)
        again.restore_login(alice.user_id, alice_device, alice_token)
        whoami = self.ok(await again.whoami(), nio.responses.WhoamiResponse)
        self.assertEqual(whoami.user_id, alice.user_id)
        status, body = self.whoami_raw(alice_token)
        self.assertEqual((status, body.get("device_id")), (200, alice_device))
        # Password login still works.
        bob_again = self.client(bob.user_id)
        self.ok(await bob_again.login(PASSWORD), nio.LoginResponse)

        rooms = self.ok(await again.joined_rooms(), nio.JoinedRoomsResponse)
        self.assertIn(room_id, rooms.rooms)

        # New events continue the stream after the old ones.
        after = await self.send_text(again, room_id, "after restart")
        sync = self.ok(await bob_again.sync(timeout=0, since=token_before), nio.SyncResponse)
        self.assertEqual([e.event_id for e in timeline_of(sync, room_id)], [after],
                         "incremental sync across the restart")
        page = self.ok(await bob_again.room_messages(room_id, sync.next_batch, limit=100),
                       nio.RoomMessagesResponse)
        ids = [e.event_id for e in page.chunk if e.source["type"] == "m.room.message"]
        self.assertEqual(ids, [after] + sent[::-1])
        state = self.ok(await bob_again.room_get_state_event(room_id, "m.room.topic"),
                        nio.RoomGetStateEventResponse)
        self.assertEqual(state.content, {"topic": "survives"})

        # A second restart right after writes: still all there, and the stop is clean.
        # (Port 0 in the config: each start listens on a new port, so new clients.)
        await self._close_clients()
        self.hs.restart()
        third = self.client(alice.user_id)
        third.restore_login(alice.user_id, alice_device, alice_token)
        self.ok(await third.whoami(), nio.responses.WhoamiResponse)
        fresh = self.ok(await third.sync(timeout=0, full_state=True), nio.SyncResponse)
        self.assertIn(room_id, fresh.rooms.join)
        self.assertIn(after, [e.event_id for e in timeline_of(fresh, room_id)])

    async def test_restart_keeps_profile_aliases_devices(self):
        alice, bob = await self.user("alice"), await self.user("bob")
        room_id = await self.room(alice, [bob])
        self.ok(await alice.set_displayname("Persistent Alice"), nio.ProfileSetDisplayNameResponse)
        alias = "#%s:%s" % (unique("durable"), SERVER_NAME)
        self.ok(await alice.room_put_alias(alias, room_id), nio.RoomPutAliasResponse)
        devices_before = {d.id for d in self.ok(await alice.devices(),
                                                 nio.DevicesResponse).devices}
        alice_token, alice_device = alice.access_token, alice.device_id
        await self._close_clients()

        self.hs.restart()

        again = self.client(alice.user_id)
        again.restore_login(alice.user_id, alice_device, alice_token)
        resolved = self.ok(await again.room_resolve_alias(alias), nio.RoomResolveAliasResponse)
        self.assertEqual(resolved.room_id, room_id)
        got = self.ok(await again.get_displayname(alice.user_id),
                      nio.ProfileGetDisplayNameResponse)
        self.assertEqual(got.displayname, "Persistent Alice")
        devices_after = {d.id for d in self.ok(await again.devices(),
                                                nio.DevicesResponse).devices}
        self.assertEqual(devices_after, devices_before)


if __name__ == "__main__":
    unittest.main(verbosity=2)
