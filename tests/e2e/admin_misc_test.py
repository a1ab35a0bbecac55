"""Synapse Admin API odds and ends against the real server: server notices (delivered into a
room of the user's own, tagged m.server_notice, found again after a restart, idempotent PUT,
400 when not configured), server_version, and redacting a user's events in the background with
status polling. Every route refuses non-admins with 403 M_FORBIDDEN."""
import sys
import time
import unittest

import harness

BINARY = harness.myelin_path()
NOTICES = """
server_notices:
  system_mxid_localpart: notices
  system_mxid_display_name: "Server Notices"
  system_mxid_avatar_url: "mxc://localhost/notices-avatar"
  room_name: "Notices for you"
  room_topic: "Messages from the server"
"""


def text(body):
    return {"msgtype": "m.text", "body": body}


class AdminMiscTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Homeserver(BINARY, config=harness.Homeserver.OPEN_REGISTRATION + NOTICES)
        cls.server.start()
        cls.admin = cls.server.register_admin("root")["access_token"]
        cls.user = cls.server.register("alice")["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def request(self, method, path, body=None, token=None):
        return self.server.request(method, path, body, token=token)

    def sync(self, token, since=None):
        path = "/_matrix/client/v3/sync?timeout=0" + ("&since=" + since if since else "")
        status, body = self.request("GET", path, token=token)
        self.assertEqual(status, 200, body)
        return body

    def notice(self, user_id, body, token=None, txn=None, **extra):
        payload = dict({"user_id": user_id, "content": text(body)}, **extra)
        if txn is None:
            return self.request("POST", "/_synapse/admin/v1/send_server_notice", payload,
                                token or self.admin)
        return self.request("PUT", "/_synapse/admin/v1/send_server_notice/" + txn, payload,
                            token or self.admin)

    # -- server notices ----------------------------------------------------------------------

    def test_notice_invites_the_user_into_a_tagged_room(self):
        token = self.server.register("bob")["access_token"]
        status, sent = self.notice("@bob:localhost", "Maintenance tonight")
        self.assertEqual(status, 200, sent)
        self.assertTrue(sent["event_id"].startswith("$"))
        invites = self.sync(token)["rooms"].get("invite", {})
        self.assertEqual(len(invites), 1, invites)
        room_id, invite = next(iter(invites.items()))
        state = {e["type"]: e for e in invite["invite_state"]["events"]}
        self.assertEqual(state["m.room.name"]["content"]["name"], "Notices for you")
        status, _ = self.request("POST", "/_matrix/client/v3/join/" + harness.quote(room_id), {},
                                 token)
        self.assertEqual(status, 200)
        joined = self.sync(token)["rooms"]["join"][room_id]
        tags = [e for e in joined["account_data"]["events"] if e["type"] == "m.tag"]
        self.assertEqual(tags[0]["content"]["tags"], {"m.server_notice": {}})
        status, event = self.request(
            "GET", "/_matrix/client/v3/rooms/%s/event/%s" % (harness.quote(room_id),
                                                              harness.quote(sent["event_id"])),
            token=token)
        self.assertEqual(status, 200, event)
        self.assertEqual(event["sender"], "@notices:localhost")
        self.assertEqual(event["content"], text("Maintenance tonight"))
        status, topic = self.request(
            "GET", "/_matrix/client/v3/rooms/%s/state/m.room.topic" % harness.quote(room_id),
            token=token)
        self.assertEqual(topic.get("topic"), "Messages from the server")
        # Users may not speak in the notices room.
        status, error = self.request(
            "PUT", "/_matrix/client/v3/rooms/%s/send/m.room.message/t1" % harness.quote(room_id),
            text("hello?"), token)
        self.assertEqual((status, error["errcode"]), (403, "M_FORBIDDEN"))
        # The notices user has the configured profile.
        status, profile = self.request("GET", "/_matrix/client/v3/profile/@notices:localhost")
        self.assertEqual(profile, {"displayname": "Server Notices",
                                   "avatar_url": "mxc://localhost/notices-avatar"})

        # The next notice goes into the same room, also after a restart.
        self.server.restart()
        status, second = self.notice("@bob:localhost", "Done", txn="after-restart")
        self.assertEqual(status, 200, second)
        status, event = self.request(
            "GET", "/_matrix/client/v3/rooms/%s/event/%s" % (harness.quote(room_id),
                                                              harness.quote(second["event_id"])),
            token=token)
        self.assertEqual((status, event.get("content")), (200, text("Done")))
        self.assertEqual(self.sync(token)["rooms"].get("invite", {}), {})

    def test_put_is_idempotent_per_transaction(self):
        status, first = self.notice("@alice:localhost", "once", txn="txn-1")
        self.assertEqual(status, 200, first)
        status, again = self.notice("@alice:localhost", "once", txn="txn-1")
        self.assertEqual((status, again), (200, first))
        status, other = self.notice("@alice:localhost", "twice", txn="txn-2")
        self.assertEqual(status, 200)
        self.assertNotEqual(other["event_id"], first["event_id"])

    def test_state_notice_and_custom_type(self):
        status, sent = self.notice("@alice:localhost", "ignored", type="org.example.notice",
                                   state_key="banner")
        self.assertEqual(status, 200, sent)

    def test_bad_requests(self):
        status, error = self.notice("@nobody:localhost", "hi")
        self.assertEqual((status, error["errcode"]), (404, "M_NOT_FOUND"))
        status, error = self.notice("@alice:elsewhere.example", "hi")
        self.assertEqual(status, 400, error)
        status, error = self.request("POST", "/_synapse/admin/v1/send_server_notice",
                                     {"user_id": "@alice:localhost"}, self.admin)
        self.assertEqual((status, error["errcode"]), (400, "M_MISSING_PARAM"))
        status, error = self.request("POST", "/_synapse/admin/v1/send_server_notice",
                                     {"content": text("x")}, self.admin)
        self.assertEqual((status, error["errcode"]), (400, "M_MISSING_PARAM"))

    # -- server version -----------------------------------------------------------------------

    def test_server_version(self):
        status, body = self.request("GET", "/_synapse/admin/v1/server_version", token=self.admin)
        self.assertEqual(status, 200, body)
        self.assertEqual(list(body), ["server_version"])
        version = self.server_version_from_cli()
        self.assertEqual(body["server_version"], version)

    @staticmethod
    def server_version_from_cli():
        import subprocess
        out = subprocess.run([BINARY, "--version"], capture_output=True, text=True, timeout=30)
        return out.stdout.strip().split(" ", 1)[1]

    # -- redacting a user's events --------------------------------------------------------

    def test_redact_a_users_events_in_two_rooms(self):
        spammer = self.server.register("spammer")["access_token"]
        reader = self.server.register("reader")["access_token"]
        rooms, sent = [], []
        for name in ("one", "two"):
            status, room = self.request("POST", "/_matrix/client/v3/createRoom",
                                        {"preset": "public_chat", "name": name}, self.admin)
            self.assertEqual(status, 200, room)
            room_id = room["room_id"]
            rooms.append(room_id)
            for token in (spammer, reader):
                status, _ = self.request("POST", "/_matrix/client/v3/join/" +
                                         harness.quote(room_id), {}, token)
                self.assertEqual(status, 200)
            for i in range(3):
                status, event = self.request(
                    "PUT", "/_matrix/client/v3/rooms/%s/send/m.room.message/s%s%d" % (
                        harness.quote(room_id), name, i), text("spam %d" % i), spammer)
                self.assertEqual(status, 200, event)
                sent.append((room_id, event["event_id"]))
            status, kept = self.request(
                "PUT", "/_matrix/client/v3/rooms/%s/send/m.room.message/r%s" % (
                    harness.quote(room_id), name), text("not spam"), reader)
            self.assertEqual(status, 200)

        status, task = self.request("POST", "/_synapse/admin/v1/user/@spammer:localhost/redact",
                                    {"rooms": [], "reason": "spam"}, self.admin)
        self.assertEqual(status, 200, task)
        redact_id = task["redact_id"]
        deadline = time.monotonic() + 30
        while True:
            status, progress = self.request(
                "GET", "/_synapse/admin/v1/user/redact_status/" + redact_id, token=self.admin)
            self.assertEqual(status, 200, progress)
            self.assertIn(progress["status"], ("scheduled", "active", "completed"))
            if progress["status"] == "completed":
                break
            self.assertLess(time.monotonic(), deadline, progress)
            time.sleep(0.2)
        self.assertEqual(progress["failed_redactions"], {})
        for room_id, event_id in sent:
            status, event = self.request(
                "GET", "/_matrix/client/v3/rooms/%s/event/%s" % (harness.quote(room_id),
                                                                  harness.quote(event_id)),
                token=reader)
            self.assertEqual(status, 200, event)
            self.assertEqual(event["content"], {}, event)
            because = event["unsigned"]["redacted_because"]
            self.assertEqual(because["sender"], "@root:localhost")
            self.assertEqual(because["content"].get("reason"), "spam")
        # The reader's own message is untouched.
        status, kept_event = self.request(
            "GET", "/_matrix/client/v3/rooms/%s/event/%s" % (harness.quote(rooms[1]),
                                                              harness.quote(kept["event_id"])),
            token=reader)
        self.assertEqual(kept_event["content"], text("not spam"))

    def test_redaction_the_admin_may_not_make_is_reported(self):
        # A room the admin is not in: every redaction fails and is listed, the task completes.
        mallory = self.server.register("mallory")["access_token"]
        status, room = self.request("POST", "/_matrix/client/v3/createRoom", {}, mallory)
        room_id = room["room_id"]
        status, event = self.request(
            "PUT", "/_matrix/client/v3/rooms/%s/send/m.room.message/m1" % harness.quote(room_id),
            text("mine"), mallory)
        status, task = self.request("POST", "/_synapse/admin/v1/user/@mallory:localhost/redact",
                                    {"rooms": [room_id], "limit": 1}, self.admin)
        self.assertEqual(status, 200, task)
        deadline = time.monotonic() + 30
        while True:
            status, progress = self.request(
                "GET", "/_synapse/admin/v1/user/redact_status/" + task["redact_id"],
                token=self.admin)
            if progress["status"] in ("completed", "failed"):
                break
            self.assertLess(time.monotonic(), deadline, progress)
            time.sleep(0.2)
        self.assertEqual(progress["status"], "completed")
        # limit 1: only the newest event (the message) was tried.
        self.assertEqual(list(progress["failed_redactions"]), [event["event_id"]])

    def test_redact_bad_requests(self):
        status, error = self.request("POST", "/_synapse/admin/v1/user/@alice:localhost/redact",
                                     {}, self.admin)
        self.assertEqual((status, error["errcode"]), (400, "M_MISSING_PARAM"))
        status, error = self.request("POST", "/_synapse/admin/v1/user/@alice:localhost/redact",
                                     {"rooms": [], "limit": 0}, self.admin)
        self.assertEqual((status, error["errcode"]), (400, "M_INVALID_PARAM"))
        status, error = self.request("GET", "/_synapse/admin/v1/user/redact_status/nope",
                                     token=self.admin)
        self.assertEqual((status, error["errcode"]), (404, "M_NOT_FOUND"))

    # -- refusals ------------------------------------------------------------------------------

    def test_non_admins_are_refused_everywhere(self):
        for method, path, body in [
                ("POST", "/_synapse/admin/v1/send_server_notice",
                 {"user_id": "@alice:localhost", "content": text("x")}),
                ("PUT", "/_synapse/admin/v1/send_server_notice/t",
                 {"user_id": "@alice:localhost", "content": text("x")}),
                ("GET", "/_synapse/admin/v1/server_version", None),
                ("POST", "/_synapse/admin/v1/user/@alice:localhost/redact", {"rooms": []}),
                ("GET", "/_synapse/admin/v1/user/redact_status/x", None)]:
            status, error = self.request(method, path, body, self.user)
            self.assertEqual((status, error["errcode"]), (403, "M_FORBIDDEN"), path)
            status, error = self.request(method, path, body)
            self.assertEqual(status, 401, path)


class NoticesNotConfiguredTest(unittest.TestCase):
    def test_400_when_not_configured(self):
        with harness.Homeserver(BINARY) as server:
            admin = server.register_admin("root")["access_token"]
            server.register("alice")
            status, error = server.request("POST", "/_synapse/admin/v1/send_server_notice",
                                           {"user_id": "@alice:localhost",
                                            "content": text("hi")}, admin)
            self.assertEqual((status, error["errcode"]), (400, "M_UNKNOWN"))
            self.assertIn("not enabled", error["error"])


class AutoJoinTest(unittest.TestCase):
    def test_auto_join_puts_the_user_in_the_room(self):
        config = harness.Homeserver.OPEN_REGISTRATION + NOTICES + "  auto_join: true\n"
        with harness.Homeserver(BINARY, config=config) as server:
            admin = server.register_admin("root")["access_token"]
            token = server.register("carol")["access_token"]
            status, sent = server.request("POST", "/_synapse/admin/v1/send_server_notice",
                                          {"user_id": "@carol:localhost",
                                           "content": text("welcome")}, admin)
            self.assertEqual(status, 200, sent)
            status, body = server.request("GET", "/_matrix/client/v3/sync?timeout=0", token=token)
            joined = body["rooms"]["join"]
            self.assertEqual(len(joined), 1, body["rooms"])
            room = next(iter(joined.values()))
            bodies = [e["content"].get("body") for e in room["timeline"]["events"]
                      if e["type"] == "m.room.message"]
            self.assertIn("welcome", bodies)
            tags = [e for e in room["account_data"]["events"] if e["type"] == "m.tag"]
            self.assertIn("m.server_notice", tags[0]["content"]["tags"])


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
