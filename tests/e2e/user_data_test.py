#!/usr/bin/python3
"""Account data, tags, filters, typing, receipts, read markers and presence against the real
`myelin serve`, checked by the spec's response shapes and by what another user's /sync sees.

Usage: user_data_test.py PATH_TO_MYELIN
"""
import json
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import quote  # noqa: E402

MYELIN = harness.myelin_path()
V3 = "/_matrix/client/v3"
server = None


def setUpModule():
    global server
    server = harness.start_homeserver(MYELIN)


def tearDownModule():
    server.close()


class Base(unittest.TestCase):
    counter = 0

    def tearDown(self):
        self.assertTrue(server.alive(), "the server died:\n" + server.death_report()
                        if not server.alive() else "")

    def user(self, name):
        Base.counter += 1
        return server.register("%s%d" % (name, Base.counter))

    def call(self, method, path, body=None, token=None, expect=200):
        status, data = server.request(method, V3 + path, body, token)
        self.assertEqual(status, expect, "%s %s -> %s %r" % (method, path, status, data))
        return data

    def error(self, method, path, body, token, status, errcode):
        data = self.call(method, path, body, token, expect=status)
        self.assertEqual(data["errcode"], errcode, data)
        return data

    def shared_room(self):
        alice, bob = self.user("alice"), self.user("bob")
        room = self.call("POST", "/createRoom", {"preset": "public_chat"},
                         alice["access_token"])["room_id"]
        self.call("POST", "/join/" + quote(room), {}, bob["access_token"])
        return alice, bob, room

    def send(self, user, room, body, txn, extra=None):
        content = {"msgtype": "m.text", "body": body}
        content.update(extra or {})
        return self.call("PUT", "/rooms/%s/send/m.room.message/%s" % (quote(room), txn),
                         content, user["access_token"])["event_id"]

    def sync(self, user, since=None, timeout=0, filter_param=None, set_presence=None):
        path = "/sync?timeout=%d" % timeout
        if since:
            path += "&since=" + quote(since)
        if filter_param:
            path += "&filter=" + quote(filter_param)
        if set_presence:
            path += "&set_presence=" + set_presence
        return self.call("GET", path, token=user["access_token"])

    def long_poll(self, user, since, action):
        """Starts a 20 s long poll for `user`, runs `action`, returns the poll's response."""
        result = {}

        def poll():
            result["sync"] = self.sync(user, since, timeout=20000, set_presence="offline")

        thread = threading.Thread(target=poll)
        thread.start()
        action()
        thread.join(15)
        self.assertFalse(thread.is_alive(), "the long poll was not woken")
        self.assertIn("sync", result, "the long poll failed")
        return result["sync"]

    @staticmethod
    def ephemeral(sync, room, event_type):
        events = sync["rooms"]["join"].get(room, {}).get("ephemeral", {}).get("events", [])
        return [e for e in events if e["type"] == event_type]


class AccountDataTest(Base):
    def test_global_and_room_account_data(self):
        alice, bob, room = self.shared_room()
        token, uid = alice["access_token"], quote(alice["user_id"])
        first = self.sync(alice)
        path = "/user/%s/account_data/org.example.x" % uid
        room_path = "/user/%s/rooms/%s/account_data/org.example.r" % (uid, quote(room))
        self.error("GET", path, None, token, 404, "M_NOT_FOUND")
        self.error("GET", room_path, None, token, 404, "M_NOT_FOUND")
        self.call("PUT", path, {"a": 1}, token)
        self.assertEqual(self.call("GET", path, token=token), {"a": 1})
        self.call("PUT", path, {"a": 2, "nested": {"k": [1, "x"]}}, token)
        self.assertEqual(self.call("GET", path, token=token), {"a": 2, "nested": {"k": [1, "x"]}})
        self.call("PUT", room_path, {"b": 2}, token)
        self.assertEqual(self.call("GET", room_path, token=token), {"b": 2})
        # Room account data stays in its room.
        self.error("GET", "/user/%s/account_data/org.example.r" % uid, None, token, 404,
                   "M_NOT_FOUND")
        later = self.sync(alice, first["next_batch"])
        global_types = {e["type"]: e["content"] for e in later["account_data"]["events"]}
        self.assertEqual(global_types.get("org.example.x"), {"a": 2, "nested": {"k": [1, "x"]}})
        room_events = later["rooms"]["join"][room]["account_data"]["events"]
        self.assertIn({"type": "org.example.r", "content": {"b": 2}}, room_events)
        # The room-mate sees none of it.
        self.assertNotIn("org.example", str(self.sync(bob)))

    def test_wakes_the_owners_other_device(self):
        alice = self.user("alice")
        since = self.sync(alice)["next_batch"]
        uid = quote(alice["user_id"])
        got = self.long_poll(alice, since, lambda: self.call(
            "PUT", "/user/%s/account_data/org.example.wake" % uid, {"w": True},
            alice["access_token"]))
        self.assertIn({"type": "org.example.wake", "content": {"w": True}},
                      got["account_data"]["events"])

    def test_refusals(self):
        alice, bob, room = self.shared_room()
        token, uid = alice["access_token"], quote(alice["user_id"])
        other = bob["access_token"]
        path = "/user/%s/account_data/org.example.x" % uid
        room_path = "/user/%s/rooms/%s/account_data/org.example.x" % (uid, quote(room))
        # Another user's data: 403 both ways, global and per room.
        self.error("GET", path, None, other, 403, "M_FORBIDDEN")
        self.error("PUT", path, {"a": 1}, other, 403, "M_FORBIDDEN")
        self.error("GET", room_path, None, other, 403, "M_FORBIDDEN")
        self.error("PUT", room_path, {"a": 1}, other, 403, "M_FORBIDDEN")
        # Server-managed types: 405 M_BAD_JSON (spec, account data server behaviour).
        for kind in ("m.push_rules", "m.fully_read"):
            self.error("PUT", "/user/%s/account_data/%s" % (uid, kind), {}, token, 405,
                       "M_BAD_JSON")
            self.error("PUT", "/user/%s/rooms/%s/account_data/%s" % (uid, quote(room), kind),
                       {}, token, 405, "M_BAD_JSON")
        # ...but readable: push rules are the server defaults for a new user.
        rules = self.call("GET", "/user/%s/account_data/m.push_rules" % uid, token=token)
        self.assertIn(".m.rule.master", [r["rule_id"] for r in rules["global"]["override"]])
        # Bodies must be JSON objects; room IDs must be room IDs.
        self.error("PUT", path, [1], token, 400, "M_BAD_JSON")
        status, data = server.request("PUT", V3 + path, b"{not json", token)
        self.assertEqual((status, data["errcode"]), (400, "M_NOT_JSON"))
        self.error("PUT", "/user/%s/rooms/%s/account_data/x" % (uid, quote("#alias:localhost")),
                   {}, token, 400, "M_INVALID_PARAM")
        self.error("GET", "/user/%s/rooms/notaroom/account_data/x" % uid, None, token, 400,
                   "M_INVALID_PARAM")
        self.error("GET", path, None, None, 401, "M_MISSING_TOKEN")

    def test_tags_round_trip(self):
        alice, bob, room = self.shared_room()
        token, base = alice["access_token"], "/user/%s/rooms/%s/tags" % (
            quote(alice["user_id"]), quote(room))
        since = self.sync(alice)["next_batch"]
        self.assertEqual(self.call("GET", base, token=token), {"tags": {}})
        self.call("PUT", base + "/m.favourite", {"order": 0.25}, token)
        self.call("PUT", base + "/u.work", {}, token)
        self.assertEqual(self.call("GET", base, token=token),
                         {"tags": {"m.favourite": {"order": 0.25}, "u.work": {}}})
        self.call("PUT", base + "/m.favourite", {"order": 1}, token)  # update in place
        self.error("PUT", base + "/u.bad", {"order": "high"}, token, 400, "M_BAD_JSON")
        self.error("PUT", base + "/u.bad", [], token, 400, "M_BAD_JSON")
        self.call("DELETE", base + "/u.work", token=token)
        self.call("DELETE", base + "/u.never", token=token)  # absent tag: still 200
        self.assertEqual(self.call("GET", base, token=token),
                         {"tags": {"m.favourite": {"order": 1}}})
        # Tags are room account data m.tag (spec "Room Tagging").
        self.assertEqual(self.call("GET", "/user/%s/rooms/%s/account_data/m.tag" % (
            quote(alice["user_id"]), quote(room)), token=token),
            {"tags": {"m.favourite": {"order": 1}}})
        events = self.sync(alice, since)["rooms"]["join"][room]["account_data"]["events"]
        self.assertEqual([e for e in events if e["type"] == "m.tag"],
                         [{"type": "m.tag", "content": {"tags": {"m.favourite": {"order": 1}}}}])
        self.error("GET", base, None, bob["access_token"], 403, "M_FORBIDDEN")
        self.error("PUT", base + "/u.x", {}, bob["access_token"], 403, "M_FORBIDDEN")
        self.error("DELETE", base + "/m.favourite", None, bob["access_token"], 403,
                   "M_FORBIDDEN")


class FilterTest(Base):
    def test_upload_get_and_use(self):
        alice, bob, room = self.shared_room()
        token, uid = alice["access_token"], quote(alice["user_id"])
        for i in range(3):
            self.send(alice, room, "m%d" % i, "f%d" % i)
        wanted = {"room": {"timeline": {"limit": 1}}}
        filter_id = self.call("POST", "/user/%s/filter" % uid, wanted, token)["filter_id"]
        self.assertIsInstance(filter_id, str)
        self.assertEqual(self.call("GET", "/user/%s/filter/%s" % (uid, filter_id), token=token),
                         wanted)
        timeline = self.sync(alice, filter_param=filter_id)["rooms"]["join"][room]["timeline"]
        self.assertEqual(len(timeline["events"]), 1)
        self.assertTrue(timeline["limited"])
        self.assertIn("prev_batch", timeline)
        self.assertEqual(timeline["events"][0]["content"]["body"], "m2")
        # A second filter gets another ID; each user's filters are their own.
        other = self.call("POST", "/user/%s/filter" % uid,
                          {"presence": {"not_types": ["*"]}}, token)["filter_id"]
        self.assertNotEqual(other, filter_id)
        bob_uid = quote(bob["user_id"])
        self.error("GET", "/user/%s/filter/%s" % (bob_uid, filter_id), None,
                   bob["access_token"], 404, "M_NOT_FOUND")
        self.error("GET", "/user/%s/filter/%s" % (uid, filter_id), None, bob["access_token"],
                   403, "M_FORBIDDEN")
        self.error("POST", "/user/%s/filter" % uid, wanted, bob["access_token"], 403,
                   "M_FORBIDDEN")
        self.error("GET", "/user/%s/filter/999999" % uid, None, token, 404, "M_NOT_FOUND")
        self.error("GET", "/user/%s/filter/%sx" % (uid, filter_id), None, token, 404,
                   "M_NOT_FOUND")
        self.error("POST", "/user/%s/filter" % uid, {"room": {"timeline": {"limit": "x"}}},
                   token, 400, "M_BAD_JSON")
        self.error("POST", "/user/%s/filter" % uid, {"event_fields": "content"}, token, 400,
                   "M_BAD_JSON")

    def test_types_and_rooms(self):
        alice, _, room = self.shared_room()
        token, uid = alice["access_token"], quote(alice["user_id"])
        other = self.call("POST", "/createRoom", {}, token)["room_id"]
        self.send(alice, room, "hello", "t1")
        wanted = {"room": {"rooms": [room],
                           "timeline": {"types": ["m.room.message"], "limit": 5}}}
        filter_id = self.call("POST", "/user/%s/filter" % uid, wanted, token)["filter_id"]
        joined = self.sync(alice, filter_param=filter_id)["rooms"]["join"]
        self.assertNotIn(other, joined)
        events = joined[room]["timeline"]["events"]
        self.assertEqual([(e["type"], e["content"]["body"]) for e in events],
                         [("m.room.message", "hello")])


    def test_event_fields_cut_sync_events_down(self):
        alice, _, room = self.shared_room()
        self.send(alice, room, "short", "ef1", {"format": "org.matrix.custom.html"})
        wanted = {"event_fields": ["type", "content.body", "sender"],
                  "room": {"timeline": {"types": ["m.room.message"]}}}
        joined = self.sync(alice, filter_param=json.dumps(wanted))["rooms"]["join"][room]
        events = joined["timeline"]["events"]
        self.assertEqual(events, [{"type": "m.room.message", "content": {"body": "short"},
                                   "sender": alice["user_id"]}])
        for event in joined["state"]["events"]:
            self.assertLessEqual(set(event), {"type", "content", "sender"}, event)

    def test_filter_ids_with_trailing_junk_are_refused_by_sync(self):
        alice = self.user("junk")
        uid = quote(alice["user_id"])
        filter_id = self.call("POST", "/user/%s/filter" % uid, {}, alice["access_token"])[
            "filter_id"]
        self.error("GET", "/sync?filter=%sabc" % filter_id, None, alice["access_token"], 400,
                   "M_INVALID_PARAM")


class TypingTest(Base):
    def test_typing_wakes_the_other_user(self):
        alice, bob, room = self.shared_room()
        path = "/rooms/%s/typing/%s" % (quote(room), quote(alice["user_id"]))
        since = self.sync(bob)["next_batch"]
        got = self.long_poll(bob, since, lambda: self.call(
            "PUT", path, {"typing": True, "timeout": 10000}, alice["access_token"]))
        self.assertEqual(self.ephemeral(got, room, "m.typing"),
                         [{"type": "m.typing", "content": {"user_ids": [alice["user_id"]]}}])
        # Stopping wakes it again, with nobody typing.
        got = self.long_poll(bob, got["next_batch"], lambda: self.call(
            "PUT", path, {"typing": False}, alice["access_token"]))
        self.assertEqual(self.ephemeral(got, room, "m.typing"),
                         [{"type": "m.typing", "content": {"user_ids": []}}])

    def test_refusals(self):
        alice, bob, room = self.shared_room()
        carol = self.user("carol")
        token = alice["access_token"]
        self.error("PUT", "/rooms/%s/typing/%s" % (quote(room), quote(bob["user_id"])),
                   {"typing": True}, token, 403, "M_FORBIDDEN")
        self.error("PUT", "/rooms/%s/typing/%s" % (quote(room), quote(carol["user_id"])),
                   {"typing": True}, carol["access_token"], 403, "M_FORBIDDEN")
        mine = "/rooms/%s/typing/%s" % (quote(room), quote(alice["user_id"]))
        self.error("PUT", mine, {"timeout": 100}, token, 400, "M_BAD_JSON")
        self.error("PUT", mine, {"typing": "yes"}, token, 400, "M_BAD_JSON")
        self.error("PUT", "/rooms/%s/typing/%s" % (quote("!nope:localhost"),
                                                   quote(alice["user_id"])),
                   {"typing": True}, token, 404, "M_NOT_FOUND")


class ReceiptTest(Base):
    def test_public_receipt_wakes_and_is_exact(self):
        alice, bob, room = self.shared_room()
        event_id = self.send(alice, room, "read me", "r1")
        since = self.sync(alice)["next_batch"]
        got = self.long_poll(alice, since, lambda: self.call(
            "POST", "/rooms/%s/receipt/m.read/%s" % (quote(room), quote(event_id)), {},
            bob["access_token"]))
        receipts = self.ephemeral(got, room, "m.receipt")
        self.assertEqual(len(receipts), 1, receipts)
        # Spec m.receipt: {event_id: {receipt type: {user_id: {ts}}}}; unthreaded: no thread_id.
        content = receipts[0]["content"]
        self.assertEqual(list(content), [event_id])
        self.assertEqual(list(content[event_id]), ["m.read"])
        self.assertEqual(list(content[event_id]["m.read"]), [bob["user_id"]])
        read = content[event_id]["m.read"][bob["user_id"]]
        self.assertEqual(set(read), {"ts"})
        self.assertIsInstance(read["ts"], int)

    def test_threaded_receipts(self):
        alice, bob, room = self.shared_room()
        root = self.send(alice, room, "root", "t0")
        reply = self.send(alice, room, "in thread", "t1",
                          {"m.relates_to": {"rel_type": "m.thread", "event_id": root}})
        plain = self.send(alice, room, "main", "t2")
        since = self.sync(alice)["next_batch"]
        def receipt(event):
            return "/rooms/%s/receipt/m.read/%s" % (quote(room), event)
        tok = bob["access_token"]
        self.call("POST", receipt(quote(root)), {"thread_id": root}, tok)  # the root itself
        self.call("POST", receipt(quote(reply)), {"thread_id": root}, tok)
        self.call("POST", receipt(quote(plain)), {"thread_id": "main"}, tok)
        got = self.sync(alice, since)
        by_event = {}
        for r in self.ephemeral(got, room, "m.receipt"):
            for eid, types in r["content"].items():
                by_event.setdefault(eid, {}).update(types["m.read"])
        # One receipt per (user, type, thread): the reply's replaced the root's.
        self.assertNotIn(root, by_event)
        self.assertEqual(by_event[reply][bob["user_id"]]["thread_id"], root)
        self.assertEqual(by_event[plain][bob["user_id"]]["thread_id"], "main")
        # Spec: 400 M_INVALID_PARAM for a bad thread_id or an event outside the thread.
        self.error("POST", receipt(quote(reply)), {"thread_id": "main"}, tok, 400,
                   "M_INVALID_PARAM")
        self.error("POST", receipt(quote(plain)), {"thread_id": root}, tok, 400,
                   "M_INVALID_PARAM")
        self.error("POST", receipt(quote(plain)), {"thread_id": ""}, tok, 400,
                   "M_INVALID_PARAM")
        self.error("POST", receipt(quote(plain)), {"thread_id": 5}, tok, 400, "M_INVALID_PARAM")
        self.error("POST", receipt(quote(plain)), {"thread_id": "thread"}, tok, 400,
                   "M_INVALID_PARAM")
        self.error("POST", "/rooms/%s/receipt/m.fully_read/%s" % (quote(room), quote(plain)),
                   {"thread_id": "main"}, tok, 400, "M_INVALID_PARAM")

    def test_private_receipt_reaches_only_its_owner(self):
        alice, bob, room = self.shared_room()
        event_id = self.send(alice, room, "secret", "p1")
        alice_since = self.sync(alice)["next_batch"]
        bob_since = self.sync(bob)["next_batch"]
        got = self.long_poll(bob, bob_since, lambda: self.call(
            "POST", "/rooms/%s/receipt/m.read.private/%s" % (quote(room), quote(event_id)), {},
            bob["access_token"]))
        own = self.ephemeral(got, room, "m.receipt")
        self.assertEqual(len(own), 1, own)
        self.assertEqual(list(own[0]["content"][event_id]), ["m.read.private"])
        self.assertIn(bob["user_id"], own[0]["content"][event_id]["m.read.private"])
        self.assertNotIn("m.read.private", str(self.sync(alice, alice_since)))
        self.assertNotIn("m.read.private", str(self.sync(alice)))  # nor an initial sync

    def test_refusals(self):
        alice, bob, room = self.shared_room()
        carol = self.user("carol")
        event_id = self.send(alice, room, "x", "e1")
        other_room = self.call("POST", "/createRoom", {}, alice["access_token"])["room_id"]
        foreign = self.send(alice, other_room, "elsewhere", "e2")
        def receipt(kind, event):
            return "/rooms/%s/receipt/%s/%s" % (quote(room), kind, event)
        tok = bob["access_token"]
        self.error("POST", receipt("m.bogus", quote(event_id)), {}, tok, 400,
                   "M_INVALID_PARAM")
        self.error("POST", receipt("m.read", quote("$nope")), {}, tok, 404, "M_NOT_FOUND")
        self.error("POST", receipt("m.read", quote(foreign)), {}, tok, 404, "M_NOT_FOUND")
        self.error("POST", receipt("m.read", quote(event_id)), {}, carol["access_token"], 403,
                   "M_FORBIDDEN")
        self.error("POST", receipt("m.read", quote(event_id)), [], tok, 400, "M_BAD_JSON")


class ReadMarkersTest(Base):
    def test_fully_read_and_receipts(self):
        alice, bob, room = self.shared_room()
        first = self.send(alice, room, "one", "m1")
        second = self.send(alice, room, "two", "m2")
        since = self.sync(alice)["next_batch"]
        bob_since = self.sync(bob)["next_batch"]
        self.call("POST", "/rooms/%s/read_markers" % quote(room),
                  {"m.fully_read": second, "m.read": second, "m.read.private": first},
                  bob["access_token"])
        marker = "/user/%s/rooms/%s/account_data/m.fully_read" % (quote(bob["user_id"]),
                                                                  quote(room))
        self.assertEqual(self.call("GET", marker, token=bob["access_token"]),
                         {"event_id": second})
        # The marker only moves forwards.
        self.call("POST", "/rooms/%s/receipt/m.fully_read/%s" % (quote(room), quote(first)), {},
                  bob["access_token"])
        self.assertEqual(self.call("GET", marker, token=bob["access_token"]),
                         {"event_id": second})
        # Bob's sync: the marker as room account data, both receipts; Alice sees m.read only.
        bob_sync = self.sync(bob, bob_since)["rooms"]["join"][room]
        self.assertIn({"type": "m.fully_read", "content": {"event_id": second}},
                      bob_sync["account_data"]["events"])
        own = str(bob_sync["ephemeral"])
        self.assertIn("m.read.private", own)
        alice_receipts = self.ephemeral(self.sync(alice, since), room, "m.receipt")
        self.assertEqual([list(r["content"]) for r in alice_receipts], [[second]])
        self.assertEqual(list(alice_receipts[0]["content"][second]), ["m.read"])
        self.assertNotIn("m.fully_read", str(alice_receipts))
        # Receipts only move forwards too: one for the earlier event changes nothing.
        since = self.sync(alice)["next_batch"]
        self.call("POST", "/rooms/%s/receipt/m.read/%s" % (quote(room), quote(first)), {},
                  bob["access_token"])
        self.assertEqual(self.ephemeral(self.sync(alice, since), room, "m.receipt"), [])
        receipts = self.ephemeral(self.sync(alice), room, "m.receipt")
        self.assertIn(bob["user_id"], receipts[0]["content"][second]["m.read"])
        self.assertNotIn(first, receipts[0]["content"])

    def test_refusals(self):
        alice, bob, room = self.shared_room()
        event_id = self.send(alice, room, "x", "m1")
        path = "/rooms/%s/read_markers" % quote(room)
        self.error("POST", path, {"m.fully_read": "$nope"}, bob["access_token"], 404,
                   "M_NOT_FOUND")
        self.error("POST", path, {"m.fully_read": 5}, bob["access_token"], 400, "M_BAD_JSON")
        carol = self.user("carol")
        self.error("POST", path, {"m.read": event_id}, carol["access_token"], 403, "M_FORBIDDEN")
        self.call("POST", path, {}, bob["access_token"])  # nothing to move: fine


class PresenceTest(Base):
    def presence_of(self, sync, user_id):
        return [e for e in sync["presence"]["events"] if e["sender"] == user_id]

    def test_put_get_and_room_mate_sees_it(self):
        alice, bob, room = self.shared_room()
        status_path = "/presence/%s/status" % quote(alice["user_id"])
        since = self.sync(bob, set_presence="offline")["next_batch"]
        got = self.long_poll(bob, since, lambda: self.call(
            "PUT", status_path, {"presence": "unavailable", "status_msg": "lunch"},
            alice["access_token"]))
        mine = self.presence_of(got, alice["user_id"])
        self.assertTrue(mine, got["presence"])
        self.assertEqual(mine[-1]["type"], "m.presence")
        self.assertEqual(mine[-1]["content"]["presence"], "unavailable")
        self.assertEqual(mine[-1]["content"]["status_msg"], "lunch")
        got = self.call("GET", status_path, token=bob["access_token"])
        self.assertEqual(got["presence"], "unavailable")
        self.assertEqual(got["status_msg"], "lunch")
        self.assertIsInstance(got["last_active_ago"], int)
        # A PUT without status_msg clears it (as Synapse).
        self.call("PUT", status_path, {"presence": "online"}, alice["access_token"])
        got = self.call("GET", status_path, token=alice["access_token"])
        self.assertEqual(got["presence"], "online")
        self.assertNotIn("status_msg", got)
        self.assertTrue(got["currently_active"])

    def test_set_presence_on_sync(self):
        alice, bob, room = self.shared_room()
        status_path = "/presence/%s/status" % quote(alice["user_id"])
        self.call("PUT", status_path, {"presence": "online", "status_msg": "here"},
                  alice["access_token"])
        since = self.sync(bob, set_presence="offline")["next_batch"]
        got = self.long_poll(bob, since,
                             lambda: self.sync(alice, set_presence="unavailable"))
        mine = self.presence_of(got, alice["user_id"])
        self.assertEqual(mine[-1]["content"]["presence"], "unavailable")
        # set_presence keeps the status message; "offline" changes nothing.
        got = self.call("GET", status_path, token=bob["access_token"])
        self.assertEqual((got["presence"], got.get("status_msg")), ("unavailable", "here"))
        self.sync(alice, set_presence="offline")
        self.assertEqual(self.call("GET", status_path, token=bob["access_token"])["presence"],
                         "unavailable")
        # The default is online.
        self.sync(alice)
        self.assertEqual(self.call("GET", status_path, token=bob["access_token"])["presence"],
                         "online")
        self.error("GET", "/sync?set_presence=away", None, alice["access_token"], 400,
                   "M_INVALID_PARAM")

    def test_refusals(self):
        alice, bob, _ = self.shared_room()
        stranger = self.user("stranger")
        status_path = "/presence/%s/status" % quote(alice["user_id"])
        self.error("PUT", status_path, {"presence": "away"}, alice["access_token"], 400,
                   "M_INVALID_PARAM")
        self.error("PUT", status_path, {}, alice["access_token"], 400, "M_MISSING_PARAM")
        self.error("PUT", status_path, {"presence": "online", "status_msg": 3},
                   alice["access_token"], 400, "M_BAD_JSON")
        self.error("PUT", "/presence/%s/status" % quote(bob["user_id"]), {"presence": "online"},
                   alice["access_token"], 403, "M_FORBIDDEN")
        self.error("GET", status_path, None, stranger["access_token"], 403, "M_FORBIDDEN")
        self.error("GET", "/presence/%s/status" % quote("@nobody:localhost"), None,
                   alice["access_token"], 404, "M_NOT_FOUND")
        self.error("GET", "/presence/notauser/status", None, alice["access_token"], 400,
                   "M_INVALID_PARAM")


class RestartTest(Base):
    def test_everything_survives_a_restart(self):
        alice, bob, room = self.shared_room()
        uid, token = quote(alice["user_id"]), alice["access_token"]
        event_id = self.send(alice, room, "x", "s1")
        self.call("PUT", "/user/%s/account_data/org.example.keep" % uid, {"k": 1}, token)
        self.call("PUT", "/user/%s/rooms/%s/tags/u.keep" % (uid, quote(room)), {"order": 0.5},
                  token)
        filter_id = self.call("POST", "/user/%s/filter" % uid, {"room": {"timeline": {
            "limit": 2}}}, token)["filter_id"]
        self.call("PUT", "/presence/%s/status" % uid, {"presence": "online", "status_msg": "hi"},
                  token)
        self.call("POST", "/rooms/%s/read_markers" % quote(room), {"m.fully_read": event_id},
                  bob["access_token"])
        server.restart()
        # A sync after the restart (set_presence=online) must not lose the status message.
        self.sync(alice)
        got = self.call("GET", "/presence/%s/status" % uid, token=bob["access_token"])
        self.assertEqual((got["presence"], got.get("status_msg")), ("online", "hi"))
        self.assertEqual(self.call("GET", "/user/%s/account_data/org.example.keep" % uid,
                                   token=token), {"k": 1})
        self.assertEqual(self.call("GET", "/user/%s/rooms/%s/tags" % (uid, quote(room)),
                                   token=token), {"tags": {"u.keep": {"order": 0.5}}})
        self.assertEqual(self.call("GET", "/user/%s/filter/%s" % (uid, filter_id), token=token),
                         {"room": {"timeline": {"limit": 2}}})
        self.assertEqual(self.call("GET", "/user/%s/rooms/%s/account_data/m.fully_read" % (
            quote(bob["user_id"]), quote(room)), token=bob["access_token"]),
            {"event_id": event_id})


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
