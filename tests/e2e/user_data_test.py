#!/usr/bin/python3
"""Account data, tags, filters, typing, receipts, read markers and presence against the real
`myelin serve`, checked by the spec's response shapes and by what another user's /sync sees.

Usage: user_data_test.py PATH_TO_MYELIN
"""
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
    server = harness.Homeserver(MYELIN)
    server.start()


def tearDownModule():
    server.close()


class Base(unittest.TestCase):
    counter = 0

    def user(self, name):
        Base.counter += 1
        return server.register("%s%d" % (name, Base.counter))

    def call(self, method, path, body=None, token=None, expect=200):
        status, data = server.request(method, V3 + path, body, token)
        self.assertEqual(status, expect, "%s %s -> %s %r" % (method, path, status, data))
        return data

    def shared_room(self):
        alice, bob = self.user("alice"), self.user("bob")
        room = self.call("POST", "/createRoom", {"preset": "public_chat"},
                         alice["access_token"])["room_id"]
        self.call("POST", "/join/" + quote(room), {}, bob["access_token"])
        return alice, bob, room

    def sync(self, user, since=None, timeout=0, filter_param=None):
        path = "/sync?timeout=%d" % timeout
        if since:
            path += "&since=" + quote(since)
        if filter_param:
            path += "&filter=" + quote(filter_param)
        return self.call("GET", path, token=user["access_token"])


class AccountDataTest(Base):
    def test_global_and_room_account_data(self):
        alice, bob, room = self.shared_room()
        token, uid = alice["access_token"], quote(alice["user_id"])
        first = self.sync(alice)
        self.call("GET", "/user/%s/account_data/org.example.x" % uid, token=token, expect=404)
        self.call("PUT", "/user/%s/account_data/org.example.x" % uid, {"a": 1}, token)
        self.assertEqual(self.call("GET", "/user/%s/account_data/org.example.x" % uid,
                                   token=token), {"a": 1})
        self.call("PUT", "/user/%s/rooms/%s/account_data/org.example.r" % (uid, quote(room)),
                  {"b": 2}, token)
        later = self.sync(alice, first["next_batch"])
        global_types = {e["type"]: e["content"] for e in later["account_data"]["events"]}
        self.assertEqual(global_types.get("org.example.x"), {"a": 1})
        room_events = later["rooms"]["join"][room]["account_data"]["events"]
        self.assertIn({"type": "org.example.r", "content": {"b": 2}}, room_events)
        # Another user's account data, server-managed types, non-objects.
        self.call("GET", "/user/%s/account_data/org.example.x" % uid, token=bob["access_token"],
                  expect=403)
        self.assertEqual(self.call("PUT", "/user/%s/account_data/m.push_rules" % uid, {}, token,
                                   expect=400)["errcode"], "M_BAD_JSON")
        self.assertEqual(self.call("PUT", "/user/%s/account_data/x" % uid, [1], token,
                                   expect=400)["errcode"], "M_BAD_JSON")

    def test_tags_round_trip(self):
        alice, _, room = self.shared_room()
        token, base = alice["access_token"], "/user/%s/rooms/%s/tags" % (
            quote(alice["user_id"]), quote(room))
        self.assertEqual(self.call("GET", base, token=token), {"tags": {}})
        self.call("PUT", base + "/m.favourite", {"order": 0.25}, token)
        self.call("PUT", base + "/u.work", {}, token)
        self.assertEqual(self.call("GET", base, token=token),
                         {"tags": {"m.favourite": {"order": 0.25}, "u.work": {}}})
        self.call("PUT", base + "/u.bad", {"order": "high"}, token, expect=400)
        self.call("DELETE", base + "/u.work", token=token)
        self.assertEqual(self.call("GET", base, token=token),
                         {"tags": {"m.favourite": {"order": 0.25}}})
        tag_event = self.sync(alice)["rooms"]["join"][room]["account_data"]["events"]
        self.assertIn({"type": "m.tag", "content": {"tags": {"m.favourite": {"order": 0.25}}}},
                      tag_event)


class FilterTest(Base):
    def test_upload_get_and_use(self):
        alice, _, room = self.shared_room()
        token, uid = alice["access_token"], quote(alice["user_id"])
        for i in range(3):
            self.call("PUT", "/rooms/%s/send/m.room.message/f%d" % (quote(room), i),
                      {"msgtype": "m.text", "body": "m%d" % i}, token)
        wanted = {"room": {"timeline": {"limit": 1}}}
        filter_id = self.call("POST", "/user/%s/filter" % uid, wanted, token)["filter_id"]
        self.assertIsInstance(filter_id, str)
        self.assertEqual(self.call("GET", "/user/%s/filter/%s" % (uid, filter_id), token=token),
                         wanted)
        timeline = self.sync(alice, filter_param=filter_id)["rooms"]["join"][room]["timeline"]
        self.assertEqual(len(timeline["events"]), 1)
        self.assertTrue(timeline["limited"])
        self.assertEqual(timeline["events"][0]["content"]["body"], "m2")
        self.call("GET", "/user/%s/filter/999" % uid, token=token, expect=404)
        bad = self.call("POST", "/user/%s/filter" % uid, {"room": {"timeline": {"limit": "x"}}},
                        token, expect=400)
        self.assertEqual(bad["errcode"], "M_BAD_JSON")


class EphemeralTest(Base):
    def long_poll(self, user, since, result):
        result["sync"] = self.sync(user, since, timeout=20000)

    def test_typing_wakes_the_other_user(self):
        alice, bob, room = self.shared_room()
        since = self.sync(bob)["next_batch"]
        result = {}
        poll = threading.Thread(target=self.long_poll, args=(bob, since, result))
        poll.start()
        self.call("PUT", "/rooms/%s/typing/%s" % (quote(room), quote(alice["user_id"])),
                  {"typing": True, "timeout": 10000}, alice["access_token"])
        poll.join(15)
        self.assertFalse(poll.is_alive(), "typing did not wake the long poll")
        ephemeral = result["sync"]["rooms"]["join"][room]["ephemeral"]["events"]
        self.assertIn({"type": "m.typing", "content": {"user_ids": [alice["user_id"]]}},
                      ephemeral)
        self.call("PUT", "/rooms/%s/typing/%s" % (quote(room), quote(bob["user_id"])),
                  {"typing": True}, alice["access_token"], expect=403)

    def test_receipts_public_and_private(self):
        alice, bob, room = self.shared_room()
        event_id = self.call("PUT", "/rooms/%s/send/m.room.message/r1" % quote(room),
                             {"msgtype": "m.text", "body": "read me"},
                             alice["access_token"])["event_id"]
        since = self.sync(alice)["next_batch"]
        result = {}
        poll = threading.Thread(target=self.long_poll, args=(alice, since, result))
        poll.start()
        self.call("POST", "/rooms/%s/receipt/m.read/%s" % (quote(room), quote(event_id)),
                  {"thread_id": "main"}, bob["access_token"])
        poll.join(15)
        self.assertFalse(poll.is_alive(), "the receipt did not wake the long poll")
        receipts = [e for e in result["sync"]["rooms"]["join"][room]["ephemeral"]["events"]
                    if e["type"] == "m.receipt"]
        self.assertEqual(len(receipts), 1)
        read = receipts[0]["content"][event_id]["m.read"][bob["user_id"]]
        self.assertEqual(read["thread_id"], "main")
        self.assertIsInstance(read["ts"], int)
        # Private receipts reach only their owner.
        since = self.sync(alice)["next_batch"]
        self.call("POST", "/rooms/%s/receipt/m.read.private/%s" % (quote(room), quote(event_id)),
                  {}, bob["access_token"])
        for_alice = self.sync(alice, since)["rooms"]["join"].get(room, {})
        self.assertNotIn("m.read.private", str(for_alice.get("ephemeral", {})))
        own = self.sync(bob)["rooms"]["join"][room]["ephemeral"]["events"]
        private = [e for e in own if e["type"] == "m.receipt"]
        self.assertIn(bob["user_id"], str(private))
        self.assertEqual(self.call("POST", "/rooms/%s/receipt/m.bogus/%s" % (
            quote(room), quote(event_id)), {}, bob["access_token"], expect=400)["errcode"],
            "M_INVALID_PARAM")
        self.call("POST", "/rooms/%s/receipt/m.read/%s" % (quote(room), quote("$nope")), {},
                  bob["access_token"], expect=404)

    def test_read_markers_set_fully_read(self):
        alice, bob, room = self.shared_room()
        event_id = self.call("PUT", "/rooms/%s/send/m.room.message/m1" % quote(room),
                             {"msgtype": "m.text", "body": "x"}, alice["access_token"])["event_id"]
        self.call("POST", "/rooms/%s/read_markers" % quote(room),
                  {"m.fully_read": event_id, "m.read": event_id}, bob["access_token"])
        data = self.call("GET", "/user/%s/rooms/%s/account_data/m.fully_read" % (
            quote(bob["user_id"]), quote(room)), token=bob["access_token"])
        self.assertEqual(data, {"event_id": event_id})

    def test_presence(self):
        alice, bob, room = self.shared_room()
        since = self.sync(bob)["next_batch"]
        self.call("PUT", "/presence/%s/status" % quote(alice["user_id"]),
                  {"presence": "unavailable", "status_msg": "lunch"}, alice["access_token"])
        got = self.call("GET", "/presence/%s/status" % quote(alice["user_id"]),
                        token=bob["access_token"])
        self.assertEqual(got["presence"], "unavailable")
        self.assertEqual(got["status_msg"], "lunch")
        seen = self.sync(bob, since)["presence"]["events"]
        mine = [e for e in seen if e["sender"] == alice["user_id"]]
        self.assertTrue(mine, seen)
        self.assertEqual(mine[-1]["content"]["presence"], "unavailable")
        self.call("PUT", "/presence/%s/status" % quote(alice["user_id"]), {"presence": "away"},
                  alice["access_token"], expect=400)
        self.call("PUT", "/presence/%s/status" % quote(bob["user_id"]), {"presence": "online"},
                  alice["access_token"], expect=403)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
