"""The Synapse Admin API for rooms and event reports (docs/admin_api/rooms.md,
purge_history_api.md, event_reports.md, room_membership.md) against the real binary: the room
list with every order_by in both directions, search, filters and pagination; details, members,
state, messages and context; blocking; make_room_admin; forward extremities; admin joins;
room deletion v1 and v2 with status polling; history purges; event reports through the client
API and the admin listing; and 403 M_FORBIDDEN for non-admins on every admin route."""
import time
import unittest

import harness
from harness import quote

BINARY = harness.myelin_path()

CONFIG = """registration: {mode: open}
rc_registration: {per_second: 1000, burst_count: 1000}
rc_message: {per_second: 1000, burst_count: 1000}
rc_login:
  address: {per_second: 1000, burst_count: 1000}
  account: {per_second: 1000, burst_count: 1000}
  failed_attempts: {per_second: 1000, burst_count: 1000}
rc_joins:
  local: {per_second: 1000, burst_count: 1000}
  remote: {per_second: 1000, burst_count: 1000}
rc_invites:
  per_room: {per_second: 1000, burst_count: 1000}
  per_user: {per_second: 1000, burst_count: 1000}
  per_issuer: {per_second: 1000, burst_count: 1000}
"""

ADMIN = "/_synapse/admin"
ORDERS = ["alphabetical", "size", "name", "canonical_alias", "joined_members",
          "joined_local_members", "version", "creator", "encryption", "federatable", "public",
          "join_rules", "guest_access", "history_visibility", "state_events"]
# The column each order sorts by and whether Synapse's default (dir=f) is ascending.
ORDER_COLUMNS = {
    "alphabetical": ("name", True), "size": ("joined_members", False), "name": ("name", True),
    "canonical_alias": ("canonical_alias", True), "joined_members": ("joined_members", False),
    "joined_local_members": ("joined_local_members", False), "version": ("version", False),
    "creator": ("creator", True), "encryption": ("encryption", True),
    "federatable": ("federatable", True), "public": ("public", True),
    "join_rules": ("join_rules", True), "guest_access": ("guest_access", True),
    "history_visibility": ("history_visibility", True),
    "state_events": ("state_events", False),
}
ROOM_FIELDS = {"room_id", "name", "canonical_alias", "joined_members", "joined_local_members",
               "version", "creator", "encryption", "federatable", "public", "join_rules",
               "guest_access", "history_visibility", "state_events", "room_type"}


def uid(localpart):
    return "@%s:localhost" % localpart


def sort_key(value):
    """Absent values first, as SQLite orders NULLs; room versions compare as numbers."""
    if value is None:
        return (0, 0, "")
    if isinstance(value, bool):
        return (1, int(value), "")
    if isinstance(value, int):
        return (1, value, "")
    if value.isdigit():
        return (1, int(value), "")
    return (2, 0, value)


class AdminRoomsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Homeserver(BINARY, config=CONFIG)
        cls.server.start()
        cls.admin = cls.server.register_admin("boss")["access_token"]
        cls.alice = cls.server.register("alice")["access_token"]
        cls.bob = cls.server.register("bob")["access_token"]
        cls.carol = cls.server.register("carol")["access_token"]
        cls.txn = 0

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    # -- helpers ---------------------------------------------------------------------------

    def call(self, method, path, body=None, token=None, expect=200):
        status, data = self.server.request(method, path, body,
                                           token=self.admin if token is None else token)
        self.assertEqual(status, expect, "%s %s → %s %r" % (method, path, status, data))
        return data

    def error(self, method, path, body, status, errcode, token=None):
        data = self.call(method, path, body, token=token, expect=status)
        self.assertEqual(data["errcode"], errcode, data)
        return data

    def create_room(self, token, **body):
        return self.call("POST", "/_matrix/client/v3/createRoom", body, token=token)["room_id"]

    def join(self, token, room_id, expect=200):
        return self.call("POST", "/_matrix/client/v3/join/%s" % quote(room_id), {}, token=token,
                         expect=expect)

    def send(self, token, room_id, body):
        AdminRoomsTest.txn += 1
        return self.call("PUT", "/_matrix/client/v3/rooms/%s/send/m.room.message/t%d" % (
            quote(room_id), self.txn), {"msgtype": "m.text", "body": body},
            token=token)["event_id"]

    def all_rooms(self, query=""):
        return self.call("GET", ADMIN + "/v1/rooms?limit=1000" + query)

    def wait_for(self, path, done):
        """Polls a status endpoint until `done(body)` (bounded: 20 s)."""
        deadline = time.monotonic() + 20
        while True:
            body = self.call("GET", path)
            if done(body):
                return body
            self.assertLess(time.monotonic(), deadline, "still %r" % body)
            time.sleep(0.05)

    def bodies(self, token, room_id):
        chunk = self.call("GET", "/_matrix/client/v3/rooms/%s/messages?dir=b&limit=100" %
                          quote(room_id), token=token)["chunk"]
        return [e["content"]["body"] for e in chunk if e["type"] == "m.room.message"]

    def make_listed_rooms(self):
        """Rooms with differing names, aliases, sizes, versions, encryption and visibility."""
        if hasattr(AdminRoomsTest, "listed"):
            return AdminRoomsTest.listed
        alpha = self.create_room(self.alice, name="Alpha Lounge", preset="public_chat",
                                 visibility="public", room_alias_name="alphalounge")
        self.join(self.bob, alpha)
        self.join(self.carol, alpha)
        bravo = self.create_room(self.bob, name="bravo corner", preset="private_chat",
                                 room_version="9", initial_state=[
                                     {"type": "m.room.encryption", "state_key": "",
                                      "content": {"algorithm": "m.megolm.v1.aes-sha2"}}])
        nameless = self.create_room(self.carol, preset="private_chat",
                                    creation_content={"type": "m.space"})
        AdminRoomsTest.listed = (alpha, bravo, nameless)
        return AdminRoomsTest.listed

    # -- list ------------------------------------------------------------------------------

    def test_list_fields_and_every_order(self):
        alpha, bravo, nameless = self.make_listed_rooms()
        listing = self.all_rooms()
        rooms = {r["room_id"]: r for r in listing["rooms"]}
        self.assertEqual(listing["offset"], 0)
        self.assertEqual(listing["total_rooms"], len(listing["rooms"]))
        self.assertNotIn("next_batch", listing)
        self.assertNotIn("prev_batch", listing)
        for room in rooms.values():
            self.assertEqual(set(room), ROOM_FIELDS)
        a = rooms[alpha]
        self.assertEqual(a["name"], "Alpha Lounge")
        self.assertEqual(a["canonical_alias"], "#alphalounge:localhost")
        self.assertEqual(a["joined_members"], 3)
        self.assertEqual(a["joined_local_members"], 3)
        self.assertEqual(a["creator"], uid("alice"))
        self.assertTrue(a["public"])
        self.assertTrue(a["federatable"])
        self.assertEqual(a["join_rules"], "public")
        self.assertIsNone(a["encryption"])
        self.assertIsNone(a["room_type"])
        b = rooms[bravo]
        self.assertEqual(b["version"], "9")
        self.assertEqual(b["encryption"], "m.megolm.v1.aes-sha2")
        self.assertEqual(b["join_rules"], "invite")
        self.assertFalse(b["public"])
        self.assertEqual(b["history_visibility"], "shared")
        self.assertIsNone(rooms[nameless]["name"])
        self.assertEqual(rooms[nameless]["room_type"], "m.space")
        self.assertGreater(a["state_events"], 5)

        for order in ORDERS:
            forwards = self.all_rooms("&order_by=" + order)["rooms"]
            backwards = self.all_rooms("&order_by=%s&dir=b" % order)["rooms"]
            column, ascending = ORDER_COLUMNS[order]
            keys = [sort_key(r[column]) for r in forwards]
            self.assertEqual(keys, sorted(keys, reverse=not ascending), order)
            # Ties are broken by room ID in the same direction, so b is exactly f reversed.
            self.assertEqual([r["room_id"] for r in backwards],
                             [r["room_id"] for r in reversed(forwards)], order)
        # name is the default order.
        self.assertEqual(self.all_rooms()["rooms"], self.all_rooms("&order_by=name")["rooms"])

    def test_list_search_filters_and_pages(self):
        alpha, bravo, nameless = self.make_listed_rooms()

        def found(query):
            return {r["room_id"] for r in self.all_rooms(query)["rooms"]}

        self.assertIn(alpha, found("&search_term=lounge"))  # names match case-insensitively
        self.assertNotIn(bravo, found("&search_term=lounge"))
        self.assertIn(bravo, found("&search_term=BRAVO"))
        self.assertIn(alpha, found("&search_term=phalou"))  # the alias's local part
        self.assertNotIn(alpha, found("&search_term=localhost"))
        self.assertEqual(found("&search_term=" + quote(nameless)), {nameless})
        self.assertEqual(found("&search_term=" + quote(nameless[:-3])), set())  # IDs: exact
        self.assertIn(alpha, found("&public_rooms=true"))
        self.assertNotIn(bravo, found("&public_rooms=true"))
        self.assertIn(bravo, found("&public_rooms=false"))
        self.assertNotIn(alpha, found("&empty_rooms=true"))
        self.assertIn(alpha, found("&empty_rooms=false"))

        everything = [r["room_id"] for r in self.all_rooms("&order_by=size")["rooms"]]
        total = len(everything)
        self.assertGreaterEqual(total, 3)
        first = self.call("GET", ADMIN + "/v1/rooms?order_by=size&limit=2")
        self.assertEqual(first["total_rooms"], total)
        self.assertEqual(first["next_batch"], 2)
        self.assertNotIn("prev_batch", first)
        walked, start = [], 0
        while True:
            page = self.call("GET", ADMIN + "/v1/rooms?order_by=size&limit=2&from=%d" % start)
            self.assertEqual(page["offset"], start)
            walked += [r["room_id"] for r in page["rooms"]]
            if start > 0:
                self.assertEqual(page["prev_batch"], max(start - 2, 0))
            if "next_batch" not in page:
                break
            start = page["next_batch"]
        self.assertEqual(walked, everything)
        self.assertEqual(self.call("GET", ADMIN + "/v1/rooms?from=1000")["rooms"], [])

        for bad in ["order_by=bogus", "dir=x", "search_term=", "from=-1", "limit=abc",
                    "public_rooms=maybe"]:
            self.error("GET", ADMIN + "/v1/rooms?" + bad, None, 400, "M_INVALID_PARAM")

    # -- one room --------------------------------------------------------------------------

    def test_details_members_state_messages_context(self):
        room = self.create_room(self.alice, name="Details", topic="All about it",
                                preset="public_chat", room_alias_name="details")
        self.call("PUT", "/_matrix/client/v3/rooms/%s/state/m.room.avatar" % quote(room),
                  {"url": "mxc://localhost/avatar"}, token=self.alice)
        self.join(self.bob, room)
        ids = [self.send(self.alice, room, "message %d" % i) for i in range(5)]

        details = self.call("GET", ADMIN + "/v1/rooms/" + quote(room))
        self.assertEqual(details["room_id"], room)
        self.assertEqual(details["name"], "Details")
        self.assertEqual(details["topic"], "All about it")
        self.assertEqual(details["avatar"], "mxc://localhost/avatar")
        self.assertEqual(details["canonical_alias"], "#details:localhost")
        self.assertEqual(details["joined_members"], 2)
        self.assertEqual(details["joined_local_members"], 2)
        self.assertGreaterEqual(details["joined_local_devices"], 2)
        self.assertFalse(details["forgotten"])
        self.assertFalse(details["tombstoned"])
        self.assertIsNone(details["replacement_room"])
        self.assertTrue(ROOM_FIELDS <= set(details))

        members = self.call("GET", ADMIN + "/v1/rooms/%s/members" % quote(room))
        self.assertEqual(sorted(members["members"]), [uid("alice"), uid("bob")])
        self.assertEqual(members["total"], 2)

        state = self.call("GET", ADMIN + "/v1/rooms/%s/state" % quote(room))["state"]
        types = {(e["type"], e["state_key"]) for e in state}
        self.assertIn(("m.room.create", ""), types)
        self.assertIn(("m.room.member", uid("bob")), types)
        only = self.call("GET", ADMIN + "/v1/rooms/%s/state?type=m.room.member" %
                         quote(room))["state"]
        self.assertEqual(sorted(e["state_key"] for e in only), [uid("alice"), uid("bob")])

        # The admin is not in the room and still reads all of it.
        page = self.call("GET", ADMIN + "/v1/rooms/%s/messages?dir=b&limit=3" % quote(room))
        self.assertEqual([e["event_id"] for e in page["chunk"]], ids[:-4:-1])
        rest = self.call("GET", ADMIN + "/v1/rooms/%s/messages?dir=b&limit=100&from=%s" % (
            quote(room), page["end"]))
        older = [e["event_id"] for e in rest["chunk"]]
        self.assertEqual(older[:2], [ids[1], ids[0]])
        self.assertEqual(rest["chunk"][-1]["type"], "m.room.create")
        self.assertNotIn("end", rest)
        forwards = self.call("GET", ADMIN + "/v1/rooms/%s/messages?limit=1" % quote(room))
        self.assertEqual(forwards["chunk"][0]["type"], "m.room.create")
        only_messages = self.call(
            "GET", ADMIN + "/v1/rooms/%s/messages?dir=b&limit=100&filter=%s" % (
                quote(room), quote('{"types":["m.room.message"]}')))
        self.assertEqual(len(only_messages["chunk"]), 5)

        context = self.call("GET", ADMIN + "/v1/rooms/%s/context/%s?limit=2" % (
            quote(room), quote(ids[2])))
        self.assertEqual(context["event"]["event_id"], ids[2])
        self.assertEqual([e["event_id"] for e in context["events_before"]], [ids[1]])
        self.assertEqual([e["event_id"] for e in context["events_after"]], [ids[3]])
        self.assertTrue(any(e["type"] == "m.room.name" for e in context["state"]))
        self.error("GET", ADMIN + "/v1/rooms/%s/context/%s" % (quote(room), quote("$nope")),
                   None, 404, "M_NOT_FOUND")

        unknown = "!unknown:localhost"
        for suffix in ["", "/members", "/state", "/messages"]:
            self.error("GET", ADMIN + "/v1/rooms/%s%s" % (quote(unknown), suffix), None, 404,
                       "M_NOT_FOUND")

    # -- block -----------------------------------------------------------------------------

    def test_block_refuses_joins_and_invites(self):
        room = self.create_room(self.alice, name="Blockable", preset="public_chat")
        path = ADMIN + "/v1/rooms/%s/block" % quote(room)
        self.assertEqual(self.call("GET", path), {"block": False})
        self.assertEqual(self.call("PUT", path, {"block": True}), {"block": True})
        self.assertEqual(self.call("GET", path), {"block": True, "user_id": uid("boss")})
        refused = self.join(self.carol, room, expect=403)
        self.assertEqual(refused["errcode"], "M_FORBIDDEN")
        self.error("POST", "/_matrix/client/v3/rooms/%s/invite" % quote(room),
                   {"user_id": uid("bob")}, 403, "M_FORBIDDEN", token=self.alice)
        # Members may still talk and leave.
        self.send(self.alice, room, "still here")
        self.assertEqual(self.call("PUT", path, {"block": False}), {"block": False})
        self.assertEqual(self.call("GET", path), {"block": False})
        self.join(self.carol, room)

        # Rooms the server does not know can be blocked ahead of time.
        ahead = ADMIN + "/v1/rooms/%s/block" % quote("!future:elsewhere.example")
        self.call("PUT", ahead, {"block": True})
        self.assertTrue(self.call("GET", ahead)["block"])
        self.error("PUT", path, {}, 400, "M_MISSING_PARAM")
        self.error("PUT", path, {"block": "yes"}, 400, "M_BAD_JSON")
        self.error("GET", ADMIN + "/v1/rooms/not-a-room/block", None, 400, "M_UNKNOWN")

    # -- make_room_admin, joins, extremities -----------------------------------------------

    def power_levels(self, room):
        state = self.call("GET", ADMIN + "/v1/rooms/%s/state?type=m.room.power_levels" %
                          quote(room))["state"]
        return state[0]["content"]

    def test_make_room_admin_and_admin_join(self):
        room = self.create_room(self.alice, name="Private", preset="private_chat",
                                room_alias_name="privateroom")
        # The caller by default, through an alias: raised to the creator's power and invited.
        self.call("POST", ADMIN + "/v1/rooms/%s/make_room_admin" % quote("#privateroom:localhost"),
                  {})
        self.assertEqual(self.power_levels(room)["users"][uid("boss")], 100)
        self.join(self.admin, room)
        self.call("PUT", "/_matrix/client/v3/rooms/%s/state/m.room.name" % quote(room),
                  {"name": "Renamed by an admin"})
        # Another user, named in the body.
        self.call("POST", ADMIN + "/v1/rooms/%s/make_room_admin" % quote(room),
                  {"user_id": uid("bob")})
        self.assertEqual(self.power_levels(room)["users"][uid("bob")], 100)
        self.join(self.bob, room)

        # The admin (now in the room with power) joins carol to it: invited, then joined.
        self.assertEqual(self.call("POST", ADMIN + "/v1/join/" + quote(room),
                                   {"user_id": uid("carol")}), {"room_id": room})
        members = self.call("GET", ADMIN + "/v1/rooms/%s/members" % quote(room))["members"]
        self.assertIn(uid("carol"), members)
        # A public room needs no invite, and no admin in it.
        public = self.create_room(self.bob, preset="public_chat", room_alias_name="joinme")
        self.call("POST", ADMIN + "/v1/join/" + quote("#joinme:localhost"),
                  {"user_id": uid("carol")})
        self.assertIn(uid("carol"), self.call(
            "GET", ADMIN + "/v1/rooms/%s/members" % quote(public))["members"])
        self.error("POST", ADMIN + "/v1/join/" + quote(public), {"user_id": uid("nobody")},
                   404, "M_NOT_FOUND")
        self.error("POST", ADMIN + "/v1/join/" + quote(public),
                   {"user_id": "@someone:elsewhere.example"}, 400, "M_UNKNOWN")
        self.error("POST", ADMIN + "/v1/join/" + quote("#missing:localhost"),
                   {"user_id": uid("carol")}, 404, "M_NOT_FOUND")
        self.error("POST", ADMIN + "/v1/join/" + quote(public), {}, 400, "M_MISSING_PARAM")
        self.error("POST", ADMIN + "/v1/rooms/%s/make_room_admin" % quote("!gone:localhost"),
                   {}, 400, "M_UNKNOWN")

    def test_forward_extremities(self):
        room = self.create_room(self.alice, preset="private_chat", room_alias_name="extrem")
        last = self.send(self.alice, room, "latest")
        path = ADMIN + "/v1/rooms/%s/forward_extremities" % quote("#extrem:localhost")
        listing = self.call("GET", path)
        self.assertEqual(listing["count"], 1)
        self.assertEqual(listing["results"][0]["event_id"], last)
        self.assertGreater(listing["results"][0]["depth"], 1)
        self.assertIn("state_group", listing["results"][0])
        self.assertIn("received_ts", listing["results"][0])
        # One extremity: nothing to delete, and it stays.
        self.assertEqual(self.call("DELETE", path), {"deleted": 0})
        self.assertEqual(self.call("GET", path)["count"], 1)
        self.error("GET", ADMIN + "/v1/rooms/nonsense/forward_extremities", None, 400, "M_UNKNOWN")

    # -- deletion --------------------------------------------------------------------------

    def joined_rooms(self, token):
        return self.call("GET", "/_matrix/client/v3/joined_rooms", token=token)["joined_rooms"]

    def test_delete_v2_moves_members_to_a_new_room(self):
        room = self.create_room(self.alice, name="Doomed", preset="public_chat",
                                visibility="public", room_alias_name="doomed")
        self.join(self.bob, room)
        self.send(self.bob, room, "bad content")
        started = self.call("DELETE", ADMIN + "/v2/rooms/" + quote(room), {
            "new_room_user_id": uid("boss"), "room_name": "Notice",
            "message": "This room was shut down.", "block": True})
        delete_id = started["delete_id"]
        status = self.wait_for(ADMIN + "/v2/rooms/delete_status/" + quote(delete_id),
                               lambda b: b["status"] in ("complete", "failed"))
        self.assertEqual(status["status"], "complete", status)
        self.assertEqual(status["delete_id"], delete_id)
        shutdown = status["shutdown_room"]
        self.assertEqual(sorted(shutdown["kicked_users"]), [uid("alice"), uid("bob")])
        self.assertEqual(shutdown["failed_to_kick_users"], [])
        self.assertEqual(shutdown["local_aliases"], ["#doomed:localhost"])
        new_room = shutdown["new_room_id"]
        self.assertTrue(new_room.startswith("!"))

        by_room = self.call("GET", ADMIN + "/v2/rooms/%s/delete_status" % quote(room))
        self.assertEqual([r["delete_id"] for r in by_room["results"]], [delete_id])
        self.assertEqual(by_room["results"][0]["room_id"], room)

        # Gone: from the list, the details, the members' rooms; the alias points to the notice.
        self.assertEqual(self.all_rooms("&search_term=" + quote(room))["rooms"], [])
        self.error("GET", ADMIN + "/v1/rooms/" + quote(room), None, 404, "M_NOT_FOUND")
        for token in (self.alice, self.bob):
            joined = self.joined_rooms(token)
            self.assertNotIn(room, joined)
            self.assertIn(new_room, joined)
        alias = self.call("GET", "/_matrix/client/v3/directory/room/%s" % quote(
            "#doomed:localhost"))
        self.assertEqual(alias["room_id"], new_room)
        self.assertIn("This room was shut down.", self.bodies(self.alice, new_room))
        details = self.call("GET", ADMIN + "/v1/rooms/" + quote(new_room))
        self.assertEqual(details["name"], "Notice")
        self.assertEqual(self.power_levels(new_room)["users_default"], -10)
        # Blocked: nobody gets back in.
        self.assertTrue(self.call("GET", ADMIN + "/v1/rooms/%s/block" % quote(room))["block"])
        self.join(self.carol, room, expect=403)

        self.error("GET", ADMIN + "/v2/rooms/delete_status/unknown-id", None, 404, "M_NOT_FOUND")
        self.error("GET", ADMIN + "/v2/rooms/%s/delete_status" % quote("!never:localhost"), None,
                   404, "M_NOT_FOUND")

    def test_delete_without_new_room_or_purge(self):
        room = self.create_room(self.alice, name="Kept shell", preset="public_chat")
        self.join(self.bob, room)
        delete_id = self.call("DELETE", ADMIN + "/v2/rooms/" + quote(room),
                              {"purge": False})["delete_id"]
        status = self.wait_for(ADMIN + "/v2/rooms/delete_status/" + quote(delete_id),
                               lambda b: b["status"] in ("complete", "failed"))
        self.assertEqual(status["status"], "complete", status)
        self.assertIsNone(status["shutdown_room"]["new_room_id"])
        self.assertEqual(status["shutdown_room"]["local_aliases"], [])
        self.assertNotIn(room, self.joined_rooms(self.alice))
        # Not purged: still listed, now empty.
        listed = self.all_rooms("&search_term=" + quote(room) + "&empty_rooms=true")["rooms"]
        self.assertEqual([r["room_id"] for r in listed], [room])
        self.assertEqual(listed[0]["joined_members"], 0)
        # Not blocked: users may come back.
        self.join(self.bob, room)

        self.error("DELETE", ADMIN + "/v2/rooms/" + quote(room), {"block": "yes"}, 400,
                   "M_BAD_JSON")
        self.error("DELETE", ADMIN + "/v2/rooms/not-a-room", {}, 400, "M_UNKNOWN")
        self.error("DELETE", ADMIN + "/v2/rooms/" + quote(room), b"", 400, "M_NOT_JSON")

    def test_delete_v1_synchronous(self):
        room = self.create_room(self.carol, name="Quick", preset="public_chat")
        result = self.call("DELETE", ADMIN + "/v1/rooms/" + quote(room), {"block": False})
        self.assertEqual(result, {"kicked_users": [uid("carol")], "failed_to_kick_users": [],
                                  "local_aliases": [], "new_room_id": None})
        self.error("GET", ADMIN + "/v1/rooms/" + quote(room), None, 404, "M_NOT_FOUND")
        self.error("DELETE", ADMIN + "/v1/rooms/" + quote("!unknown:localhost"), {}, 404,
                   "M_NOT_FOUND")
        # Blocking an unknown room through v1 is allowed.
        blocked = self.call("DELETE", ADMIN + "/v1/rooms/" + quote("!unseen:localhost"),
                            {"block": True})
        self.assertEqual(blocked["kicked_users"], [])

    # -- purge history ---------------------------------------------------------------------

    def purge(self, path, body):
        purge_id = self.call("POST", path, body)["purge_id"]
        status = self.wait_for(ADMIN + "/v1/purge_history_status/" + quote(purge_id),
                               lambda b: b["status"] != "active")
        self.assertEqual(status, {"status": "complete"})

    def test_purge_history(self):
        room = self.create_room(self.alice, name="Long history", preset="private_chat")
        ids = [self.send(self.alice, room, "m%d" % i) for i in range(6)]
        # Local events are kept unless asked.
        self.purge(ADMIN + "/v1/purge_history/%s/%s" % (quote(room), quote(ids[3])), {})
        self.assertEqual(self.bodies(self.alice, room), ["m5", "m4", "m3", "m2", "m1", "m0"])
        self.purge(ADMIN + "/v1/purge_history/" + quote(room),
                   {"delete_local_events": True, "purge_up_to_event_id": ids[3]})
        self.assertEqual(self.bodies(self.alice, room), ["m5", "m4", "m3"])
        # State is kept: the room still has its name and creator.
        details = self.call("GET", ADMIN + "/v1/rooms/" + quote(room))
        self.assertEqual(details["name"], "Long history")
        # By timestamp: the newest event before ts stays.
        ts = self.call("GET", ADMIN + "/v1/rooms/%s/context/%s" % (
            quote(room), quote(ids[5])))["event"]["origin_server_ts"] + 1
        self.purge(ADMIN + "/v1/purge_history/" + quote(room),
                   {"delete_local_events": True, "purge_up_to_ts": ts})
        self.assertEqual(self.bodies(self.alice, room), ["m5"])
        self.send(self.alice, room, "after")
        self.assertEqual(self.bodies(self.alice, room), ["after", "m5"])

        other = self.create_room(self.alice, preset="private_chat")
        self.error("POST", ADMIN + "/v1/purge_history/" + quote(room), {}, 400, "M_BAD_JSON")
        self.error("POST", ADMIN + "/v1/purge_history/" + quote(room),
                   {"purge_up_to_ts": "yesterday"}, 400, "M_BAD_JSON")
        self.error("POST", ADMIN + "/v1/purge_history/%s/%s" % (quote(other), quote(ids[5])), {},
                   400, "M_UNKNOWN")
        self.error("POST", ADMIN + "/v1/purge_history/" + quote(other), {"purge_up_to_ts": 1},
                   404, "M_NOT_FOUND")
        self.error("GET", ADMIN + "/v1/purge_history_status/unknown", None, 404, "M_NOT_FOUND")

    # -- event reports ---------------------------------------------------------------------

    def test_event_reports(self):
        room = self.create_room(self.alice, name="Reported", preset="private_chat",
                                room_alias_name="reported", invite=[uid("bob")])
        self.join(self.bob, room)
        bad = self.send(self.alice, room, "offensive")
        also = self.send(self.alice, room, "also offensive")
        report = "/_matrix/client/v3/rooms/%s/report/%s"
        self.assertEqual(self.call("POST", report % (quote(room), quote(bad)),
                                   {"reason": "rude", "score": -100}, token=self.bob), {})
        self.call("POST", "/_matrix/client/r0/rooms/%s/report/%s" % (quote(room), quote(also)),
                  {}, token=self.bob)
        self.call("POST", report % (quote(room), quote(also)), {"reason": "mine"},
                  token=self.alice)
        # Someone who cannot see the event, or an event that does not exist: 404 alike.
        self.error("POST", report % (quote(room), quote(bad)), {"reason": "x"}, 404,
                   "M_NOT_FOUND", token=self.carol)
        self.error("POST", report % (quote(room), quote("$missing")), {}, 404, "M_NOT_FOUND",
                   token=self.bob)
        self.error("POST", report % (quote(room), quote(bad)), {"score": "low"}, 400,
                   "M_BAD_JSON", token=self.bob)
        self.error("POST", report % (quote(room), quote(bad)), {"reason": 5}, 400, "M_BAD_JSON",
                   token=self.bob)
        # Whole rooms.
        self.assertEqual(self.call("POST", "/_matrix/client/v3/rooms/%s/report" % quote(room),
                                   {"reason": "spam room"}, token=self.bob), {})
        self.error("POST", "/_matrix/client/v3/rooms/%s/report" % quote("!no:localhost"),
                   {"reason": "x"}, 404, "M_NOT_FOUND", token=self.bob)

        listing = self.call("GET", ADMIN + "/v1/event_reports?room_id=" + quote(room))
        self.assertEqual(listing["total"], 3)
        self.assertNotIn("next_token", listing)
        newest = listing["event_reports"]
        self.assertEqual([r["user_id"] for r in newest], [uid("alice"), uid("bob"), uid("bob")])
        first = newest[-1]
        self.assertEqual(first["event_id"], bad)
        self.assertEqual(first["reason"], "rude")
        self.assertEqual(first["score"], -100)
        self.assertEqual(first["sender"], uid("alice"))
        self.assertEqual(first["name"], "Reported")
        self.assertEqual(first["canonical_alias"], "#reported:localhost")
        self.assertEqual(first["room_id"], room)
        self.assertIsNone(newest[1]["reason"])
        oldest = self.call("GET", ADMIN + "/v1/event_reports?dir=f&room_id=" + quote(room))
        self.assertEqual(oldest["event_reports"], list(reversed(newest)))
        by_user = self.call("GET", ADMIN + "/v1/event_reports?user_id=" + quote(uid("alice")) +
                            "&room_id=" + quote(room))
        self.assertEqual(by_user["total"], 1)
        paged = self.call("GET", ADMIN + "/v1/event_reports?limit=1&room_id=" + quote(room))
        self.assertEqual(len(paged["event_reports"]), 1)
        self.assertEqual(paged["next_token"], 1)
        second = self.call("GET", ADMIN + "/v1/event_reports?limit=1&from=1&room_id=" +
                           quote(room))
        self.assertEqual(second["event_reports"][0], newest[1])

        one = self.call("GET", ADMIN + "/v1/event_reports/%d" % first["id"])
        self.assertEqual(one["event_json"]["content"]["body"], "offensive")
        self.assertEqual(one["event_json"]["sender"], uid("alice"))
        self.assertEqual(one["reason"], "rude")
        self.assertEqual(self.call("DELETE", ADMIN + "/v1/event_reports/%d" % first["id"]), {})
        self.error("GET", ADMIN + "/v1/event_reports/%d" % first["id"], None, 404, "M_NOT_FOUND")
        self.error("DELETE", ADMIN + "/v1/event_reports/%d" % first["id"], None, 404,
                   "M_NOT_FOUND")
        self.error("GET", ADMIN + "/v1/event_reports/abc", None, 400, "M_INVALID_PARAM")
        self.error("GET", ADMIN + "/v1/event_reports?from=-1", None, 400, "M_INVALID_PARAM")
        self.error("GET", ADMIN + "/v1/event_reports?dir=x", None, 400, "M_INVALID_PARAM")

    # -- refusal ---------------------------------------------------------------------------

    def test_non_admins_are_refused(self):
        room = quote(self.create_room(self.bob, preset="public_chat"))
        routes = [
            ("GET", "/v1/rooms"), ("GET", "/v1/rooms/" + room),
            ("GET", "/v1/rooms/%s/members" % room), ("GET", "/v1/rooms/%s/state" % room),
            ("GET", "/v1/rooms/%s/messages" % room),
            ("GET", "/v1/rooms/%s/context/%s" % (room, quote("$x"))),
            ("GET", "/v1/rooms/%s/block" % room), ("PUT", "/v1/rooms/%s/block" % room),
            ("POST", "/v1/rooms/%s/make_room_admin" % room), ("POST", "/v1/join/" + room),
            ("GET", "/v1/rooms/%s/forward_extremities" % room),
            ("DELETE", "/v1/rooms/%s/forward_extremities" % room),
            ("DELETE", "/v2/rooms/" + room), ("DELETE", "/v1/rooms/" + room),
            ("GET", "/v2/rooms/%s/delete_status" % room),
            ("GET", "/v2/rooms/delete_status/x"), ("POST", "/v1/purge_history/" + room),
            ("POST", "/v1/purge_history/%s/%s" % (room, quote("$x"))),
            ("GET", "/v1/purge_history_status/x"), ("GET", "/v1/event_reports"),
            ("GET", "/v1/event_reports/1"), ("DELETE", "/v1/event_reports/1"),
        ]
        for method, path in routes:
            for token in (self.bob, self.carol):
                self.error(method, ADMIN + path, {"block": True, "user_id": uid("bob")}, 403,
                           "M_FORBIDDEN", token=token)
            status, _ = self.server.request(method, ADMIN + path, {})
            self.assertEqual(status, 401, "%s %s without a token" % (method, path))
        # Nothing happened to the room.
        self.assertFalse(self.call("GET", ADMIN + "/v1/rooms/%s/block" % room)["block"])
        self.call("GET", ADMIN + "/v1/rooms/" + room)


if __name__ == "__main__":
    unittest.main()
