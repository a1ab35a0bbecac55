"""Synapse Admin API federation destinations against the real server: list (paging with
next_token, order_by, dir, destination filter, bad parameters), one destination, its rooms,
reset_connection, 404 for unknown servers, 403 for non-admins, and the destinations surviving a
restart (the outbox and `destinations` are persisted).

Destinations appear when the sender queues something for a server. Without another server to
join from, the test bans users of other servers (a ban of a remote user goes to that user's
server, as a kick would): each ban queues the event for the banned user's server. Nothing
listens for those names, so whether or not a transport is wired the queues just back off."""
import unittest

import harness

BINARY = harness.myelin_path()
BASE = "/_synapse/admin/v1/federation/destinations"
SERVERS = ["a.remote.test", "b.remote.test", "c.remote.test", "d.remote.test", "e.remote.test"]


class AdminFederationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Homeserver(BINARY)
        cls.server.start()
        cls.admin = cls.server.register_admin("root")["access_token"]
        cls.user = cls.server.register("alice")["access_token"]
        cls.rooms = [cls.create_room(), cls.create_room()]
        for server in SERVERS:
            cls.ban(cls.rooms[0], "@x:" + server)
        cls.ban(cls.rooms[1], "@y:a.remote.test")

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    @classmethod
    def create_room(cls):
        status, body = cls.server.request("POST", "/_matrix/client/v3/createRoom",
                                          {"preset": "public_chat"}, token=cls.admin)
        assert status == 200, body
        return body["room_id"]

    @classmethod
    def ban(cls, room_id, user_id):
        status, body = cls.server.request("POST", "/_matrix/client/v3/rooms/%s/ban" % room_id,
                                          {"user_id": user_id, "reason": "test"},
                                          token=cls.admin)
        assert status == 200, body

    def get(self, path, token=None):
        return self.server.request("GET", path, token=token or self.admin)

    def ok(self, path):
        status, body = self.get(path)
        self.assertEqual(status, 200, body)
        return body

    def names(self, body):
        return [d["destination"] for d in body["destinations"]]

    def test_lists_every_destination_with_synapse_fields(self):
        body = self.ok(BASE)
        self.assertEqual(self.names(body), SERVERS)
        self.assertEqual(body["total"], 5)
        self.assertNotIn("next_token", body)
        for d in body["destinations"]:
            self.assertEqual(set(d), {"destination", "retry_last_ts", "retry_interval",
                                      "failure_ts", "last_successful_stream_ordering"})
            self.assertIsInstance(d["retry_last_ts"], int)
            self.assertIsInstance(d["retry_interval"], int)
            self.assertTrue(d["failure_ts"] is None or isinstance(d["failure_ts"], int))
            # Nothing was ever acknowledged by these servers.
            self.assertIsNone(d["last_successful_stream_ordering"])

    def test_pages_with_next_token(self):
        first = self.ok(BASE + "?limit=2")
        self.assertEqual(self.names(first), SERVERS[:2])
        self.assertEqual(first["next_token"], "2")
        self.assertEqual(first["total"], 5)
        second = self.ok(BASE + "?limit=2&from=" + first["next_token"])
        self.assertEqual(self.names(second), SERVERS[2:4])
        self.assertEqual(second["next_token"], "4")
        last = self.ok(BASE + "?limit=2&from=4")
        self.assertEqual(self.names(last), SERVERS[4:])
        self.assertNotIn("next_token", last)
        self.assertEqual(self.ok(BASE + "?from=10")["destinations"], [])

    def test_order_direction_and_filter(self):
        self.assertEqual(self.names(self.ok(BASE + "?dir=b")), list(reversed(SERVERS)))
        for order in ("retry_last_ts", "retry_interval", "failure_ts",
                      "last_successful_stream_ordering", "destination"):
            body = self.ok(BASE + "?order_by=" + order)
            self.assertEqual(sorted(self.names(body)), SERVERS, order)
        self.assertEqual(self.names(self.ok(BASE + "?destination=C.REMOTE")), ["c.remote.test"])
        self.assertEqual(self.ok(BASE + "?destination=nowhere")["total"], 0)

    def test_bad_parameters(self):
        for query in ("order_by=size", "dir=x", "from=-1", "limit=-5", "limit=abc"):
            status, body = self.get(BASE + "?" + query)
            self.assertEqual(status, 400, query)
            self.assertEqual(body["errcode"], "M_INVALID_PARAM", query)

    def test_one_destination(self):
        body = self.ok(BASE + "/b.remote.test")
        self.assertEqual(body["destination"], "b.remote.test")
        self.assertIn("retry_interval", body)
        status, body = self.get(BASE + "/unknown.test")
        self.assertEqual(status, 404)
        self.assertEqual(body["errcode"], "M_NOT_FOUND")

    def test_rooms_of_a_destination(self):
        body = self.ok(BASE + "/a.remote.test/rooms")
        self.assertEqual(body["total"], 2)
        self.assertEqual(sorted(r["room_id"] for r in body["rooms"]), sorted(self.rooms))
        for room in body["rooms"]:
            self.assertIsInstance(room["stream_ordering"], int)
            self.assertGreater(room["stream_ordering"], 0)
        first = self.ok(BASE + "/a.remote.test/rooms?limit=1")
        self.assertEqual(len(first["rooms"]), 1)
        self.assertEqual(first["next_token"], "1")
        rest = self.ok(BASE + "/a.remote.test/rooms?limit=1&from=1")
        self.assertNotIn("next_token", rest)
        self.assertNotEqual(first["rooms"][0]["room_id"], rest["rooms"][0]["room_id"])
        backwards = self.ok(BASE + "/a.remote.test/rooms?dir=b")
        self.assertEqual(backwards["rooms"], list(reversed(body["rooms"])))
        self.assertEqual(self.ok(BASE + "/b.remote.test/rooms")["rooms"][0]["room_id"],
                         self.rooms[0])
        status, body = self.get(BASE + "/unknown.test/rooms")
        self.assertEqual(status, 404)
        self.assertEqual(body["errcode"], "M_NOT_FOUND")

    def test_reset_connection(self):
        status, body = self.server.request("POST", BASE + "/c.remote.test/reset_connection", {},
                                           token=self.admin)
        self.assertEqual(status, 200, body)
        self.assertEqual(body, {})
        status, body = self.server.request("POST", BASE + "/unknown.test/reset_connection", {},
                                           token=self.admin)
        self.assertEqual(status, 404)
        self.assertEqual(body["errcode"], "M_NOT_FOUND")

    def test_non_admins_are_refused(self):
        for method, path in (("GET", BASE), ("GET", BASE + "/a.remote.test"),
                             ("GET", BASE + "/a.remote.test/rooms"),
                             ("POST", BASE + "/a.remote.test/reset_connection")):
            status, body = self.server.request(method, path, {} if method == "POST" else None,
                                               token=self.user)
            self.assertEqual(status, 403, path)
            self.assertEqual(body["errcode"], "M_FORBIDDEN")
            status, _ = self.server.request(method, path, None)
            self.assertEqual(status, 401, path)

    def test_zz_destinations_survive_a_restart(self):
        self.server.restart()
        self.assertEqual(self.names(self.ok(BASE)), SERVERS)
        self.assertEqual(self.ok(BASE + "/a.remote.test/rooms")["total"], 2)


if __name__ == "__main__":
    unittest.main()
