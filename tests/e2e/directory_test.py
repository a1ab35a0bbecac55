#!/usr/bin/python3
"""Room aliases, canonical aliases, directory visibility and /publicRooms against the real
`myelin serve` (spec client-server API "Room aliases", "Listing rooms"), over raw HTTP.

Usage: directory_test.py PATH_TO_MYELIN
"""
import os
import sys
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

    def unique(self, name):
        Base.counter += 1
        return "%s%d" % (name, Base.counter)

    def user(self, name):
        return server.register(self.unique(name))

    def call(self, method, path, body=None, token=None, expect=200, errcode=None):
        status, data = server.request(method, V3 + path, body, token)
        self.assertEqual(status, expect, "%s %s -> %s %r" % (method, path, status, data))
        if errcode is not None:
            self.assertEqual(data.get("errcode"), errcode, data)
        return data

    def room(self, user, **body):
        return self.call("POST", "/createRoom", body, user["access_token"])["room_id"]

    def public_rooms(self, body, token, query=""):
        return self.call("POST", "/publicRooms" + query, body, token)


class AliasTest(Base):
    def test_create_resolve_delete_with_permissions(self):
        alice, bob, carol = self.user("alice"), self.user("bob"), self.user("carol")
        room = self.room(alice, preset="public_chat")
        alias = "#%s:localhost" % self.unique("lobby")
        path = "/directory/room/" + quote(alias)

        self.call("PUT", path, {"room_id": room}, alice["access_token"])
        resolved = self.call("GET", path)  # no access token needed
        self.assertEqual(resolved, {"room_id": room, "servers": ["localhost"]})
        # Legacy r0 path answers the same.
        status, legacy = server.request("GET", "/_matrix/client/r0" + path)
        self.assertEqual((status, legacy), (200, resolved))

        # Taken: 409 M_UNKNOWN (spec), even for the same room.
        self.call("PUT", path, {"room_id": room}, alice["access_token"], 409, "M_UNKNOWN")
        # Not in the room.
        other = "#%s:localhost" % self.unique("other")
        self.call("PUT", "/directory/room/" + quote(other), {"room_id": room},
                  bob["access_token"], 403, "M_FORBIDDEN")
        self.call("GET", "/directory/room/" + quote(other), expect=404, errcode="M_NOT_FOUND")
        # Unknown room, malformed room ID, another server's alias, not an alias.
        self.call("PUT", "/directory/room/" + quote(other), {"room_id": "!nope:localhost"},
                  alice["access_token"], 404, "M_NOT_FOUND")
        self.call("PUT", "/directory/room/" + quote(other), {"room_id": "nope"},
                  alice["access_token"], 400, "M_INVALID_PARAM")
        self.call("PUT", "/directory/room/" + quote("#x:elsewhere.example"), {"room_id": room},
                  alice["access_token"], 400, "M_INVALID_PARAM")
        self.call("GET", "/directory/room/" + quote("lobby"), expect=400,
                  errcode="M_INVALID_PARAM")
        self.call("PUT", "/directory/room/" + quote(other), {}, alice["access_token"], 400,
                  "M_MISSING_PARAM")

        # Local aliases of the room: members only.
        self.assertEqual(self.call("GET", "/rooms/%s/aliases" % quote(room),
                                   token=alice["access_token"]), {"aliases": [alias]})
        self.call("GET", "/rooms/%s/aliases" % quote(room), token=bob["access_token"],
                  expect=403, errcode="M_FORBIDDEN")

        # Join by alias.
        joined = self.call("POST", "/join/" + quote(alias), {}, bob["access_token"])
        self.assertEqual(joined["room_id"], room)
        self.call("GET", "/rooms/%s/aliases" % quote(room), token=bob["access_token"])
        self.call("POST", "/join/" + quote("#missing%d:localhost" % Base.counter), {},
                  carol["access_token"], 404, "M_NOT_FOUND")

        # Bob (power 0) may not delete Alice's alias; he may create and delete his own.
        self.call("DELETE", path, None, bob["access_token"], 403, "M_FORBIDDEN")
        bobs = "#%s:localhost" % self.unique("bobs")
        self.call("PUT", "/directory/room/" + quote(bobs), {"room_id": room},
                  bob["access_token"])
        aliases = self.call("GET", "/rooms/%s/aliases" % quote(room),
                            token=bob["access_token"])["aliases"]
        self.assertEqual(sorted(aliases), sorted([alias, bobs]))
        self.call("DELETE", "/directory/room/" + quote(bobs), None, bob["access_token"])
        self.call("GET", "/directory/room/" + quote(bobs), expect=404, errcode="M_NOT_FOUND")

        # Alice (power 100, may send m.room.canonical_alias) deletes an alias Bob created.
        bobs2 = "#%s:localhost" % self.unique("bobs")
        self.call("PUT", "/directory/room/" + quote(bobs2), {"room_id": room},
                  bob["access_token"])
        self.call("DELETE", "/directory/room/" + quote(bobs2), None, alice["access_token"])
        self.call("DELETE", "/directory/room/" + quote(bobs2), None, alice["access_token"], 404,
                  "M_NOT_FOUND")

        self.call("DELETE", path, None, alice["access_token"])
        self.call("GET", path, expect=404, errcode="M_NOT_FOUND")
        self.assertEqual(self.call("GET", "/rooms/%s/aliases" % quote(room),
                                   token=alice["access_token"]), {"aliases": []})
        # A deleted alias can be taken again.
        self.call("PUT", path, {"room_id": room}, bob["access_token"])

    def test_canonical_alias(self):
        alice = self.user("alice")
        name = self.unique("canon")
        room = self.room(alice, preset="public_chat", room_alias_name=name)
        alias = "#%s:localhost" % name
        self.assertEqual(self.call("GET", "/directory/room/" + quote(alias))["room_id"], room)
        state_path = "/rooms/%s/state/m.room.canonical_alias" % quote(room)
        self.assertEqual(self.call("GET", state_path, token=alice["access_token"]),
                         {"alias": alias})
        # createRoom with a taken alias.
        self.call("POST", "/createRoom", {"room_alias_name": name}, alice["access_token"], 400,
                  "M_ROOM_IN_USE")

        alt = "#%s:localhost" % self.unique("alt")
        self.call("PUT", "/directory/room/" + quote(alt), {"room_id": room},
                  alice["access_token"])
        self.call("PUT", state_path, {"alias": alias, "alt_aliases": [alt]},
                  alice["access_token"])
        # Deleting an alias drops it from the canonical alias event too (as Synapse does).
        self.call("DELETE", "/directory/room/" + quote(alt), None, alice["access_token"])
        self.assertEqual(self.call("GET", state_path, token=alice["access_token"]),
                         {"alias": alias, "alt_aliases": []})
        self.call("DELETE", "/directory/room/" + quote(alias), None, alice["access_token"])
        self.assertEqual(self.call("GET", state_path, token=alice["access_token"]),
                         {"alt_aliases": []})


class VisibilityTest(Base):
    def test_round_trip_and_permissions(self):
        alice, bob = self.user("alice"), self.user("bob")
        room = self.room(alice, preset="public_chat")
        path = "/directory/list/room/" + quote(room)
        self.assertEqual(self.call("GET", path), {"visibility": "private"})
        self.call("GET", "/directory/list/room/" + quote("!unknown:localhost"), expect=404,
                  errcode="M_NOT_FOUND")
        self.call("PUT", "/directory/list/room/" + quote("!unknown:localhost"),
                  {"visibility": "public"}, alice["access_token"], 404, "M_NOT_FOUND")

        # Not in the room, then joined without the power to send m.room.canonical_alias.
        self.call("PUT", path, {"visibility": "public"}, bob["access_token"], 403, "M_FORBIDDEN")
        self.call("POST", "/join/" + quote(room), {}, bob["access_token"])
        self.call("PUT", path, {"visibility": "public"}, bob["access_token"], 403, "M_FORBIDDEN")

        self.call("PUT", path, {"visibility": "public"}, alice["access_token"])
        self.assertEqual(self.call("GET", path), {"visibility": "public"})
        self.call("PUT", path, {"visibility": "private"}, alice["access_token"])
        self.assertEqual(self.call("GET", path), {"visibility": "private"})
        self.call("PUT", path, {"visibility": "secret"}, alice["access_token"], 400,
                  "M_INVALID_PARAM")
        # visibility defaults to public.
        self.call("PUT", path, {}, alice["access_token"])
        self.assertEqual(self.call("GET", path), {"visibility": "public"})

        # createRoom's visibility publishes the room.
        listed = self.room(alice, preset="public_chat", visibility="public")
        self.assertEqual(self.call("GET", "/directory/list/room/" + quote(listed)),
                         {"visibility": "public"})


class PublicRoomsTest(Base):
    def test_listing_entries_and_counts(self):
        alice, bob, carol = self.user("alice"), self.user("bob"), self.user("carol")
        tag = self.unique("zebrafish")
        alias_name = self.unique("aquarium")
        big = self.room(alice, preset="public_chat", visibility="public",
                        name="Big %s room" % tag, topic="All about %s" % tag,
                        room_alias_name=alias_name)
        small = self.room(alice, preset="public_chat", visibility="public",
                          name="Small %s room" % tag)
        for user in (bob, carol):
            self.call("POST", "/join/" + quote(big), {}, user["access_token"])
        hidden = self.room(alice, preset="public_chat", name="Hidden %s room" % tag)
        invite_only = self.room(alice, preset="private_chat", visibility="public",
                                name="Invite %s room" % tag)

        listing = self.call("GET", "/publicRooms")  # no access token needed
        self.assertIn("total_room_count_estimate", listing)
        by_id = {entry["room_id"]: entry for entry in listing["chunk"]}
        self.assertNotIn(hidden, by_id)
        # Published but neither joinable nor world readable: not listed (as Synapse).
        self.assertNotIn(invite_only, by_id)
        self.assertEqual(by_id[big], {
            "room_id": big, "name": "Big %s room" % tag, "topic": "All about %s" % tag,
            "canonical_alias": "#%s:localhost" % alias_name, "num_joined_members": 3,
            "world_readable": False, "guest_can_join": False, "join_rule": "public",
        })
        self.assertEqual(by_id[small]["num_joined_members"], 1)
        self.assertNotIn("topic", by_id[small])
        # Ordered by member count, descending.
        counts = [entry["num_joined_members"] for entry in listing["chunk"]]
        self.assertEqual(counts, sorted(counts, reverse=True))

        # Membership changes show in the listing; world readable and guest access too.
        self.call("POST", "/rooms/%s/leave" % quote(big), {}, carol["access_token"])
        self.call("PUT", "/rooms/%s/state/m.room.history_visibility" % quote(small),
                  {"history_visibility": "world_readable"}, alice["access_token"])
        self.call("PUT", "/rooms/%s/state/m.room.guest_access" % quote(small),
                  {"guest_access": "can_join"}, alice["access_token"])
        self.call("PUT", "/rooms/%s/state/m.room.avatar" % quote(small),
                  {"url": "mxc://localhost/fish"}, alice["access_token"])
        found = self.public_rooms({"filter": {"generic_search_term": tag}},
                                  alice["access_token"])
        by_id = {entry["room_id"]: entry for entry in found["chunk"]}
        self.assertEqual(set(by_id), {big, small})
        self.assertEqual(found["total_room_count_estimate"], 2)
        self.assertEqual(by_id[big]["num_joined_members"], 2)
        self.assertTrue(by_id[small]["world_readable"])
        self.assertTrue(by_id[small]["guest_can_join"])
        self.assertEqual(by_id[small]["avatar_url"], "mxc://localhost/fish")

        # Unpublishing removes the room.
        self.call("PUT", "/directory/list/room/" + quote(big), {"visibility": "private"},
                  alice["access_token"])
        found = self.public_rooms({"filter": {"generic_search_term": tag}},
                                  alice["access_token"])
        self.assertEqual([entry["room_id"] for entry in found["chunk"]], [small])

    def test_search_filter(self):
        alice = self.user("alice")
        tag = self.unique("Narwhal")
        by_name = self.room(alice, preset="public_chat", visibility="public",
                            name="The %s club" % tag)
        by_topic = self.room(alice, preset="public_chat", visibility="public",
                             topic="we talk about %s" % tag.lower())
        alias_name = self.unique("x") + tag.lower()
        by_alias = self.room(alice, preset="public_chat", visibility="public",
                             room_alias_name=alias_name)
        space = self.room(alice, preset="public_chat", visibility="public",
                          name="%s space" % tag, creation_content={"type": "m.space"})
        token = alice["access_token"]

        def search(term, **extra):
            body = {"filter": dict({"generic_search_term": term}, **extra)}
            return {entry["room_id"] for entry in self.public_rooms(body, token)["chunk"]}

        self.assertEqual(search(tag.upper()), {by_name, by_topic, by_alias, space})
        self.assertEqual(search(tag + " club"), {by_name})
        self.assertEqual(search("about " + tag), {by_topic})
        self.assertEqual(search("#" + alias_name), {by_alias})
        self.assertEqual(search(tag + "-nothing"), set())
        self.assertEqual(search(tag, room_types=["m.space"]), {space})
        self.assertEqual(search(tag, room_types=[None]), {by_name, by_topic, by_alias})
        self.assertEqual(search(tag, room_types=[None, "m.space"]),
                         {by_name, by_topic, by_alias, space})
        entry = [e for e in self.public_rooms({"filter": {"generic_search_term": tag,
                                                          "room_types": ["m.space"]}},
                                              token)["chunk"]][0]
        self.assertEqual(entry["room_type"], "m.space")
        self.call("POST", "/publicRooms", {"filter": {"room_types": "m.space"}}, token, 400,
                  "M_BAD_JSON")
        # POST needs an access token; GET does not.
        self.call("POST", "/publicRooms", {}, None, 401, "M_MISSING_TOKEN")

    def test_pagination(self):
        users = [self.user("pager") for _ in range(3)]
        tag = self.unique("pagination")
        rooms = []
        # Seven rooms; member counts 3, 2, 2, 1, 1, 1, 1 so both sort keys matter.
        for i in range(7):
            room = self.room(users[0], preset="public_chat", visibility="public",
                             name="%s %d" % (tag, i))
            rooms.append(room)
        for i, joiners in ((0, users[1:]), (1, users[1:2]), (2, users[2:])):
            for user in joiners:
                self.call("POST", "/join/" + quote(rooms[i]), {}, user["access_token"])
        token = users[0]["access_token"]
        body = {"limit": 2, "filter": {"generic_search_term": tag}}

        pages, since = [], None
        while True:
            request = dict(body, since=since) if since else body
            page = self.public_rooms(request, token)
            self.assertEqual(page["total_room_count_estimate"], 7)
            self.assertLessEqual(len(page["chunk"]), 2)
            self.assertEqual("prev_batch" in page, bool(pages))
            pages.append(page)
            since = page.get("next_batch")
            if not since:
                break
        self.assertEqual([len(p["chunk"]) for p in pages], [2, 2, 2, 1])
        listed = [entry["room_id"] for p in pages for entry in p["chunk"]]
        expected = [rooms[0]] + sorted(rooms[1:3]) + sorted(rooms[3:])
        self.assertEqual(listed, expected)

        # Backwards from the last page gives the same pages in reverse.
        since = pages[-1]["prev_batch"]
        for previous in reversed(pages[:-1]):
            page = self.public_rooms(dict(body, since=since), token)
            self.assertEqual(page["chunk"], previous["chunk"])
            self.assertIn("next_batch", page)
            since = page.get("prev_batch")
        self.assertIsNone(since)

        # GET walks the same way over the whole directory.
        seen, since = [], None
        for _ in range(100):
            query = "?limit=2" + ("&since=" + quote(since) if since else "")
            page = self.call("GET", "/publicRooms" + query)
            seen += [entry["room_id"] for entry in page["chunk"]]
            since = page.get("next_batch")
            if not since:
                break
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual([r for r in seen if r in rooms], expected)

        # limit 0 means no limit (as Synapse).
        self.assertEqual(len(self.public_rooms(dict(body, limit=0), token)["chunk"]), 7)

    def test_bad_input_and_other_servers(self):
        alice = self.user("alice")
        token = alice["access_token"]
        self.call("GET", "/publicRooms?since=garbage", expect=400, errcode="M_INVALID_PARAM")
        self.call("POST", "/publicRooms", {"since": "Zm9v"}, token, 400, "M_INVALID_PARAM")
        self.call("GET", "/publicRooms?limit=-1", expect=400, errcode="M_INVALID_PARAM")
        self.call("GET", "/publicRooms?limit=ten", expect=400, errcode="M_INVALID_PARAM")
        self.call("POST", "/publicRooms", {"limit": "ten"}, token, 400, "M_BAD_JSON")
        self.call("POST", "/publicRooms", b"{not json", token, 400, "M_NOT_JSON")
        # Our own name is the local directory; another server's would need federation, which
        # fails as Synapse reports it: 502 M_UNKNOWN.
        self.call("GET", "/publicRooms?server=localhost")
        self.call("GET", "/publicRooms?server=elsewhere.example", expect=502,
                  errcode="M_UNKNOWN")
        self.call("POST", "/publicRooms?server=elsewhere.example", {}, token, 502, "M_UNKNOWN")
        # Networks of application services: none yet.
        self.call("POST", "/publicRooms", {"include_all_networks": True,
                                          "third_party_instance_id": "irc|freenode"},
                  token, 400, "M_UNKNOWN")
        self.assertEqual(self.public_rooms({"third_party_instance_id": "irc|freenode"},
                                           token)["chunk"], [])
        self.public_rooms({"include_all_networks": True}, token)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
