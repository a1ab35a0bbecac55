#!/usr/bin/python3
"""Account management, devices, profiles and the user directory against the real `myelin serve`.

Client-server API "Account registration and management" (password change, deactivation),
"Device management", "Profiles" and "User directory", with Synapse's behaviour where the spec
leaves room: user-interactive auth with m.login.password for the sensitive operations (a wrong
password answers 401 with errcode M_FORBIDDEN in the challenge), profile changes sent as new
m.room.member events to the rooms the user is in, a directory limited to users who share a room
with the searcher or are in public rooms, and a deactivated account that can neither log in nor
use its tokens and has left its rooms.

Usage: accounts_test.py PATH_TO_MYELIN
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

MYELIN = harness.myelin_path()
V3 = "/_matrix/client/v3"
R0 = "/_matrix/client/r0"
PASSWORD = "correct horse battery staple"

server = None


def setUpModule():
    global server
    server = harness.start_homeserver(MYELIN)


def tearDownModule():
    try:
        if server.alive():
            assert server.versions_ok(), "server no longer answers /versions"
        server.close()
    except BaseException:
        print(server.stderr_tail(), file=sys.stderr)
        raise


class AccountsTestCase(unittest.TestCase):
    def setUp(self):
        server.revive()

    def tearDown(self):
        self.assertTrue(server.alive(), server.death_report())

    # -- helpers -------------------------------------------------------------------------------

    def call(self, method, path, body=None, user=None, token=None, expect=200):
        if user is not None:
            token = user["access_token"]
        status, data = server.request(method, path, body, token=token)
        self.assertEqual(status, expect, "%s %s → %s %r" % (method, path, status, data))
        return data

    def assertError(self, response, status, errcode):
        got_status, body = response
        self.assertEqual(got_status, status, body)
        self.assertIsInstance(body, dict, body)
        self.assertEqual(body.get("errcode"), errcode, body)

    def login(self, user_id, password=PASSWORD, device_id=None, display_name=None):
        body = {"type": "m.login.password",
                "identifier": {"type": "m.id.user", "user": user_id}, "password": password}
        if device_id:
            body["device_id"] = device_id
        if display_name:
            body["initial_device_display_name"] = display_name
        return server.request("POST", V3 + "/login", body)

    def login_ok(self, user_id, **kwargs):
        status, body = self.login(user_id, **kwargs)
        self.assertEqual(status, 200, body)
        return body

    def token_works(self, token):
        status, body = server.request("GET", V3 + "/account/whoami", token=token)
        if status == 200:
            return True
        self.assertEqual((status, body.get("errcode")), (401, "M_UNKNOWN_TOKEN"), body)
        return False

    @staticmethod
    def password_auth(user, session, password=PASSWORD):
        return {"type": "m.login.password", "session": session, "password": password,
                "identifier": {"type": "m.id.user", "user": user["user_id"]}}

    def challenge(self, method, path, body, user):
        """The first step of user-interactive auth: a 401 offering m.login.password."""
        status, data = server.request(method, path, body, token=user["access_token"])
        self.assertEqual(status, 401, data)
        self.assertIn(["m.login.password"], [f["stages"] for f in data["flows"]], data)
        self.assertIsInstance(data.get("session"), str, data)
        self.assertNotIn("errcode", data)
        return data["session"]

    def with_password(self, method, path, body, user, password=PASSWORD, expect=200):
        """Runs the whole user-interactive auth dance with the account's password."""
        session = self.challenge(method, path, body, user)
        body = dict(body or {}, auth=self.password_auth(user, session, password))
        return self.call(method, path, body, user=user, expect=expect)

    def wrong_password_refused(self, method, path, body, user):
        session = self.challenge(method, path, body, user)
        body = dict(body or {}, auth=self.password_auth(user, session, "not the password"))
        status, data = server.request(method, path, body, token=user["access_token"])
        self.assertEqual(status, 401, data)
        self.assertEqual(data.get("errcode"), "M_FORBIDDEN", data)
        self.assertEqual(data.get("session"), session, data)
        self.assertNotIn("m.login.password", data.get("completed", []), data)

    def create_room(self, user, **body):
        return self.call("POST", V3 + "/createRoom", body, user=user)["room_id"]

    def join(self, user, room_id):
        self.call("POST", V3 + "/rooms/%s/join" % harness.quote(room_id), {}, user=user)

    def member_event(self, user, room_id, target):
        return self.call("GET", V3 + "/rooms/%s/state/m.room.member/%s" % (
            harness.quote(room_id), harness.quote(target)), user=user)

    def sync(self, user, since=None, timeout=0):
        path = V3 + "/sync?timeout=%d" % timeout
        if since:
            path += "&since=" + harness.quote(since)
        return self.call("GET", path, user=user)


class PasswordChange(AccountsTestCase):
    def test_change_logs_out_other_devices(self):
        user = server.register("pw_alice")
        other = self.login_ok(user["user_id"])
        path = V3 + "/account/password"
        self.wrong_password_refused("POST", path, {"new_password": "second secret"}, user)
        self.assertEqual(self.with_password("POST", path, {"new_password": "second secret"},
                                            user), {})
        # The requesting device keeps its session; every other one ends (logout_devices
        # defaults to true).
        self.assertTrue(self.token_works(user["access_token"]))
        self.assertFalse(self.token_works(other["access_token"]))
        self.assertError(self.login(user["user_id"]), 403, "M_FORBIDDEN")
        self.login_ok(user["user_id"], password="second secret")

    def test_keep_other_devices(self):
        user = server.register("pw_bob")
        other = self.login_ok(user["user_id"])
        body = {"new_password": "bob's new one", "logout_devices": False}
        self.with_password("POST", R0 + "/account/password", body, user)
        self.assertTrue(self.token_works(other["access_token"]))
        self.login_ok(user["user_id"], password="bob's new one")

    def test_bad_requests(self):
        user = server.register("pw_carol")
        path = V3 + "/account/password"
        self.assertError(server.request("POST", path, {"logout_devices": True},
                                        token=user["access_token"]), 400, "M_MISSING_PARAM")
        self.assertError(server.request("POST", path, {"new_password": 42},
                                        token=user["access_token"]), 400, "M_BAD_JSON")
        self.assertError(server.request("POST", path, {"new_password": "x" * 513},
                                        token=user["access_token"]), 400, "M_INVALID_PARAM")
        self.assertError(server.request("POST", path, b"{not json", token=user["access_token"]),
                         400, "M_NOT_JSON")
        self.assertError(server.request("POST", path, {"new_password": "abc"}), 401,
                         "M_MISSING_TOKEN")
        # Another user's password does not authenticate this one.
        other = server.register("pw_dave", password="dave's password")
        session = self.challenge("POST", path, {"new_password": "abc"}, user)
        auth = {"type": "m.login.password", "session": session, "password": "dave's password",
                "identifier": {"type": "m.id.user", "user": other["user_id"]}}
        status, data = server.request("POST", path, {"new_password": "abc", "auth": auth},
                                      token=user["access_token"])
        self.assertEqual((status, data.get("errcode")), (401, "M_FORBIDDEN"), data)
        # Nothing changed.
        self.login_ok(user["user_id"])


class Devices(AccountsTestCase):
    def test_list_get_rename(self):
        user = server.register("dev_alice", device_id="FIRSTDEV")
        second = self.login_ok(user["user_id"], device_id="SECONDDEV", display_name="Laptop")
        devices = self.call("GET", V3 + "/devices", user=user)["devices"]
        by_id = {d["device_id"]: d for d in devices}
        self.assertEqual(sorted(by_id), ["FIRSTDEV", "SECONDDEV"])
        self.assertEqual(by_id["SECONDDEV"]["display_name"], "Laptop")
        self.assertIsInstance(by_id["SECONDDEV"]["last_seen_ts"], int)
        for device in devices:
            self.assertEqual(set(device), {"device_id", "display_name", "last_seen_ip",
                                           "last_seen_ts"})

        one = self.call("GET", V3 + "/devices/SECONDDEV", user=user)
        self.assertEqual(one, by_id["SECONDDEV"])
        self.assertEqual(self.call("PUT", V3 + "/devices/SECONDDEV", {"display_name": "Desk"},
                                   user=second), {})
        self.assertEqual(self.call("GET", R0 + "/devices/SECONDDEV", user=user)["display_name"],
                         "Desk")
        # An empty body changes nothing.
        self.call("PUT", V3 + "/devices/SECONDDEV", {}, user=user)
        self.assertEqual(self.call("GET", V3 + "/devices/SECONDDEV", user=user)["display_name"],
                         "Desk")

    def test_unknown_and_foreign_devices(self):
        user = server.register("dev_bob", device_id="BOBDEV")
        other = server.register("dev_carol", device_id="CAROLDEV")
        for device in ("NOSUCHDEV", "CAROLDEV"):
            path = V3 + "/devices/" + device
            self.assertError(server.request("GET", path, token=user["access_token"]), 404,
                             "M_NOT_FOUND")
            self.assertError(server.request("PUT", path, {"display_name": "x"},
                                            token=user["access_token"]), 404, "M_NOT_FOUND")
            self.assertError(server.request("DELETE", path, {}, token=user["access_token"]), 404,
                             "M_NOT_FOUND")
        self.assertError(server.request("PUT", V3 + "/devices/BOBDEV", {"display_name": 7},
                                        token=user["access_token"]), 400, "M_BAD_JSON")
        self.assertError(server.request("GET", V3 + "/devices"), 401, "M_MISSING_TOKEN")
        self.assertError(server.request("GET", V3 + "/devices", token="nonsense"), 401,
                         "M_UNKNOWN_TOKEN")
        # Carol's device is untouched.
        self.assertTrue(self.token_works(other["access_token"]))

    def test_delete_device(self):
        user = server.register("dev_dave", device_id="KEEP")
        doomed = self.login_ok(user["user_id"], device_id="DOOMED")
        path = V3 + "/devices/DOOMED"
        self.wrong_password_refused("DELETE", path, {}, user)
        self.assertTrue(self.token_works(doomed["access_token"]))
        self.with_password("DELETE", path, {}, user)
        self.assertFalse(self.token_works(doomed["access_token"]))
        self.assertTrue(self.token_works(user["access_token"]))
        self.assertEqual([d["device_id"] for d in self.call("GET", V3 + "/devices", user=user)[
            "devices"]], ["KEEP"])
        self.assertError(server.request("GET", path, token=user["access_token"]), 404,
                         "M_NOT_FOUND")

    def test_delete_devices(self):
        user = server.register("dev_erin", device_id="MAIN")
        first = self.login_ok(user["user_id"], device_id="ONE")
        second = self.login_ok(user["user_id"], device_id="TWO")
        path = V3 + "/delete_devices"
        self.assertError(server.request("POST", path, {}, token=user["access_token"]), 400,
                         "M_MISSING_PARAM")
        self.assertError(server.request("POST", path, {"devices": "ONE"},
                                        token=user["access_token"]), 400, "M_BAD_JSON")
        body = {"devices": ["ONE", "TWO", "NEVER_EXISTED"]}
        self.wrong_password_refused("POST", path, body, user)
        self.assertTrue(self.token_works(first["access_token"]))
        self.with_password("POST", path, body, user)
        self.assertFalse(self.token_works(first["access_token"]))
        self.assertFalse(self.token_works(second["access_token"]))
        self.assertEqual([d["device_id"] for d in self.call("GET", V3 + "/devices", user=user)[
            "devices"]], ["MAIN"])


class Profiles(AccountsTestCase):
    def test_set_and_get(self):
        user = server.register("prof_alice")
        uid = harness.quote(user["user_id"])
        # Nothing set yet: the fields are absent.
        self.assertEqual(self.call("GET", V3 + "/profile/" + uid), {})
        self.assertEqual(self.call("GET", V3 + "/profile/%s/displayname" % uid), {})
        self.call("PUT", V3 + "/profile/%s/displayname" % uid, {"displayname": "Alice A."},
                  user=user)
        self.call("PUT", R0 + "/profile/%s/avatar_url" % uid,
                  {"avatar_url": "mxc://localhost/alice"}, user=user)
        self.assertEqual(self.call("GET", V3 + "/profile/" + uid),
                         {"displayname": "Alice A.", "avatar_url": "mxc://localhost/alice"})
        self.assertEqual(self.call("GET", R0 + "/profile/%s/displayname" % uid),
                         {"displayname": "Alice A."})
        self.assertEqual(self.call("GET", V3 + "/profile/%s/avatar_url" % uid),
                         {"avatar_url": "mxc://localhost/alice"})
        # null clears a field.
        self.call("PUT", V3 + "/profile/%s/avatar_url" % uid, {"avatar_url": None}, user=user)
        self.assertEqual(self.call("GET", V3 + "/profile/" + uid), {"displayname": "Alice A."})

    def test_errors(self):
        user = server.register("prof_bob")
        other = server.register("prof_carol")
        own = V3 + "/profile/%s/displayname" % harness.quote(user["user_id"])
        theirs = V3 + "/profile/%s/displayname" % harness.quote(other["user_id"])
        self.assertError(server.request("PUT", theirs, {"displayname": "mallory"},
                                        token=user["access_token"]), 403, "M_FORBIDDEN")
        self.assertError(server.request("PUT", V3 + "/profile/%s/avatar_url" % harness.quote(
            other["user_id"]), {"avatar_url": "mxc://x/y"}, token=user["access_token"]), 403,
            "M_FORBIDDEN")
        self.assertEqual(self.call("GET", theirs), {})
        self.assertError(server.request("PUT", own, {"displayname": "x"}), 401, "M_MISSING_TOKEN")
        self.assertError(server.request("PUT", own, {}, token=user["access_token"]), 400,
                         "M_MISSING_PARAM")
        self.assertError(server.request("PUT", own, {"displayname": 12},
                                        token=user["access_token"]), 400, "M_BAD_JSON")
        self.assertError(server.request("PUT", own, b"nope", token=user["access_token"]), 400,
                         "M_NOT_JSON")
        self.assertError(server.request("PUT", own, {"displayname": "x" * 257},
                                        token=user["access_token"]), 400, "M_INVALID_PARAM")
        for path in ("", "/displayname", "/avatar_url"):
            self.assertError(server.request("GET", V3 + "/profile/%s%s" % (
                harness.quote("@nobody:localhost"), path)), 404, "M_NOT_FOUND")
        self.assertError(server.request("GET", V3 + "/profile/not-a-user-id"), 400,
                         "M_INVALID_PARAM")

    def test_change_reaches_room_members(self):
        alice = server.register("prof_dave")
        bob = server.register("prof_erin")
        room_id = self.create_room(alice, preset="public_chat")
        self.join(bob, room_id)
        since = self.sync(bob)["next_batch"]

        self.call("PUT", V3 + "/profile/%s/displayname" % harness.quote(alice["user_id"]),
                  {"displayname": "Dave the Great"}, user=alice)
        seen = None
        for _ in range(5):  # each sync long-polls until something arrives
            response = self.sync(bob, since=since, timeout=10000)
            since = response["next_batch"]
            room = response.get("rooms", {}).get("join", {}).get(room_id, {})
            for event in room.get("timeline", {}).get("events", []):
                if event["type"] == "m.room.member" and event["state_key"] == alice["user_id"]:
                    seen = event
            if seen:
                break
        self.assertIsNotNone(seen, "bob's /sync never showed alice's new member event")
        self.assertEqual(seen["content"]["membership"], "join")
        self.assertEqual(seen["content"]["displayname"], "Dave the Great")
        self.assertEqual(seen["sender"], alice["user_id"])
        self.assertEqual(self.member_event(bob, room_id, alice["user_id"]),
                         {"membership": "join", "displayname": "Dave the Great"})
        members = self.call("GET", V3 + "/rooms/%s/joined_members" % harness.quote(room_id),
                            user=bob)["joined"]
        self.assertEqual(members[alice["user_id"]]["display_name"], "Dave the Great")

        # The avatar too; the display name is kept alongside it.
        self.call("PUT", V3 + "/profile/%s/avatar_url" % harness.quote(alice["user_id"]),
                  {"avatar_url": "mxc://localhost/dave"}, user=alice)
        self.assertEqual(self.member_event(bob, room_id, alice["user_id"]),
                         {"membership": "join", "displayname": "Dave the Great",
                          "avatar_url": "mxc://localhost/dave"})
        # A room joined later starts with the new profile.
        later = self.create_room(bob)
        self.call("POST", V3 + "/rooms/%s/invite" % harness.quote(later),
                  {"user_id": alice["user_id"]}, user=bob)
        self.join(alice, later)
        self.assertEqual(self.member_event(bob, later, alice["user_id"])["displayname"],
                         "Dave the Great")


class UserDirectory(AccountsTestCase):
    @classmethod
    def setUpClass(cls):
        server.revive()
        cls.searcher = server.register("dir_searcher")
        cls.friend = server.register("dir_friend")      # shares a private room
        cls.public = server.register("dir_public")      # alone in a public room
        cls.stranger = server.register("dir_stranger")  # in a private room of their own
        cls.loner = server.register("dir_loner")        # in no room at all

        def req(method, path, body, user):
            status, data = server.request(method, path, body, token=user["access_token"])
            assert status == 200, (path, status, data)
            return data

        for user, name in ((cls.friend, "Friendly Fiona"), (cls.public, "Public Paula"),
                           (cls.stranger, "Strange Stan")):
            req("PUT", V3 + "/profile/%s/displayname" % harness.quote(user["user_id"]),
                {"displayname": name}, user)
        private = req("POST", V3 + "/createRoom", {"preset": "private_chat"},
                      cls.searcher)["room_id"]
        req("POST", V3 + "/rooms/%s/invite" % harness.quote(private),
            {"user_id": cls.friend["user_id"]}, cls.searcher)
        req("POST", V3 + "/rooms/%s/join" % harness.quote(private), {}, cls.friend)
        req("POST", V3 + "/createRoom", {"preset": "public_chat"}, cls.public)
        req("POST", V3 + "/createRoom", {"preset": "private_chat"}, cls.stranger)

    def search(self, term, user=None, limit=None):
        body = {"search_term": term}
        if limit is not None:
            body["limit"] = limit
        return self.call("POST", V3 + "/user_directory/search", body, user=user or self.searcher)

    def found(self, term, user=None):
        return sorted(r["user_id"] for r in self.search(term, user)["results"])

    def test_visibility(self):
        self.assertEqual(self.found("dir_"), sorted([
            self.searcher["user_id"], self.friend["user_id"], self.public["user_id"]]))
        # The stranger sees the public room's user but not the private room's.
        self.assertEqual(self.found("dir_", user=self.stranger),
                         sorted([self.stranger["user_id"], self.public["user_id"]]))
        self.assertEqual(self.found("loner"), [])
        self.assertEqual(self.found("stan"), [])

    def test_match_by_display_name_case_insensitive(self):
        result = self.search("fIoNa")
        self.assertEqual(result["limited"], False)
        self.assertEqual(result["results"], [{"user_id": self.friend["user_id"],
                                              "display_name": "Friendly Fiona",
                                              "avatar_url": None}])
        self.assertEqual(self.found("DIR_PUBLIC"), [self.public["user_id"]])
        # LIKE wildcards in the term match only themselves.
        self.assertEqual(self.found("dir%friend"), [])
        self.assertEqual(self.found("dir_friend"), [self.friend["user_id"]])

    def test_limit(self):
        result = self.search("dir_", limit=1)
        self.assertEqual(len(result["results"]), 1)
        self.assertIs(result["limited"], True)
        self.assertIs(self.search("dir_", limit=3)["limited"], False)

    def test_errors(self):
        path = V3 + "/user_directory/search"
        token = self.searcher["access_token"]
        self.assertError(server.request("POST", path, {}, token=token), 400, "M_MISSING_PARAM")
        self.assertError(server.request("POST", path, {"search_term": 5}, token=token), 400,
                         "M_BAD_JSON")
        self.assertError(server.request("POST", path, {"search_term": "x"}), 401,
                         "M_MISSING_TOKEN")


class Deactivation(AccountsTestCase):
    def test_deactivate(self):
        alice = server.register("deact_alice")
        henry = server.register("deact_henry")
        other_device = self.login_ok(henry["user_id"])
        joined = self.create_room(alice, preset="public_chat")
        self.join(henry, joined)
        invited = self.create_room(alice)
        self.call("POST", V3 + "/rooms/%s/invite" % harness.quote(invited),
                  {"user_id": henry["user_id"]}, user=alice)
        self.call("PUT", V3 + "/profile/%s/displayname" % harness.quote(henry["user_id"]),
                  {"displayname": "Henry"}, user=henry)

        path = V3 + "/account/deactivate"
        self.wrong_password_refused("POST", path, {}, henry)
        self.assertTrue(self.token_works(henry["access_token"]))
        result = self.with_password("POST", path, {"erase": False}, henry)
        self.assertEqual(result, {"id_server_unbind_result": "no-support"})

        # Every token is dead and the password no longer logs in.
        self.assertFalse(self.token_works(henry["access_token"]))
        self.assertFalse(self.token_works(other_device["access_token"]))
        status, body = self.login(henry["user_id"])
        self.assertEqual(status, 403, body)
        self.assertIn(body.get("errcode"), ("M_USER_DEACTIVATED", "M_FORBIDDEN"), body)

        # Henry left the room he was in and rejected the invite.
        self.assertEqual(self.member_event(alice, joined, henry["user_id"])["membership"],
                         "leave")
        self.assertEqual(self.member_event(alice, invited, henry["user_id"])["membership"],
                         "leave")
        joined_members = self.call("GET", V3 + "/rooms/%s/joined_members" % harness.quote(
            joined), user=alice)["joined"]
        self.assertNotIn(henry["user_id"], joined_members)
        # The user directory forgets him; the user ID stays taken.
        self.assertEqual(self.call("POST", V3 + "/user_directory/search",
                                   {"search_term": "deact_henry"}, user=alice)["results"], [])
        status, body = server.request("GET", V3 + "/register/available?username=deact_henry")
        self.assertEqual((status, body.get("errcode")), (400, "M_USER_IN_USE"), body)

    def test_deactivate_needs_auth(self):
        user = server.register("deact_bob")
        self.assertError(server.request("POST", V3 + "/account/deactivate", {}), 401,
                         "M_MISSING_TOKEN")
        self.challenge("POST", V3 + "/account/deactivate", None, user)
        self.assertTrue(self.token_works(user["access_token"]))
        self.login_ok(user["user_id"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
