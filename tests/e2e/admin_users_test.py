"""The Synapse Admin API for users (docs/admin_api/user_admin_api.md), driven over HTTP against
the real binary: listing (v2 and v3) with every filter, ordering and next_token pagination;
create/modify/deactivate/erase/reactivate; password reset; lock, suspend and shadow-ban and
what they do to the user's own requests; login-as; whois; devices; rooms and account data; and
403 M_FORBIDDEN for non-admins on every route."""
import time
import unittest

import harness
from harness import quote

BINARY = harness.myelin_path()
PASSWORD = "correct horse battery staple"

# Generous limits: this test makes many accounts and logins from one address.
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

ORDERS = ["name", "is_guest", "admin", "user_type", "deactivated", "shadow_banned",
          "displayname", "avatar_url", "creation_ts", "last_seen_ts", "locked"]


def uid(localpart):
    return "@%s:localhost" % localpart


class AdminUsersTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Homeserver(BINARY, config=CONFIG)
        cls.server.start()
        cls.admin = cls.server.register_admin("boss")["access_token"]
        cls.plain = cls.server.register("pleb")["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    # -- helpers ---------------------------------------------------------------------------

    def call(self, method, path, body=None, token=None, expect=200, headers=None):
        status, data = self.server.request(method, path, body,
                                           token=self.admin if token is None else token,
                                           headers=headers)
        self.assertEqual(status, expect, "%s %s → %s %r" % (method, path, status, data))
        return data

    def error(self, method, path, body, token, status, errcode):
        got, data = self.server.request(method, path, body, token=token)
        self.assertEqual((got, data.get("errcode") if isinstance(data, dict) else data),
                         (status, errcode), "%s %s: %r" % (method, path, data))
        return data

    def create(self, localpart, expect=201, **fields):
        body = {"password": PASSWORD}
        body.update(fields)
        return self.call("PUT", "/_synapse/admin/v2/users/" + quote(uid(localpart)), body,
                         expect=expect)

    def modify(self, localpart, **fields):
        return self.call("PUT", "/_synapse/admin/v2/users/" + quote(uid(localpart)), fields)

    def login(self, localpart, password=PASSWORD, device_id=None, expect=200):
        body = {"type": "m.login.password", "password": password,
                "identifier": {"type": "m.id.user", "user": localpart}}
        if device_id:
            body["device_id"] = device_id
        status, data = self.server.request("POST", "/_matrix/client/v3/login", body)
        self.assertEqual(status, expect, data)
        return data.get("access_token") if status == 200 else data

    def whoami(self, token):
        return self.server.request("GET", "/_matrix/client/v3/account/whoami", token=token)

    def list_users(self, query, version="v2"):
        return self.call("GET", "/_synapse/admin/%s/users?%s" % (version, query))

    def names(self, query, version="v2"):
        return [u["name"] for u in self.list_users(query, version)["users"]]

    def room(self, token, **body):
        return self.call("POST", "/_matrix/client/v3/createRoom", body, token=token)["room_id"]

    def send(self, token, room_id, text, txn):
        return self.server.request(
            "PUT", "/_matrix/client/v3/rooms/%s/send/m.room.message/%s" % (quote(room_id), txn),
            {"msgtype": "m.text", "body": text}, token=token)

    def messages(self, token, room_id):
        data = self.call("GET", "/_matrix/client/v3/rooms/%s/messages?dir=b&limit=100"
                         % quote(room_id), token=token)
        return [e for e in data["chunk"] if e["type"] == "m.room.message"]

    # -- every route refuses non-admins ------------------------------------------------------

    def test_every_route_refuses_non_admins(self):
        target = quote(uid("pleb"))
        routes = [
            ("GET", "/_synapse/admin/v2/users"),
            ("GET", "/_synapse/admin/v3/users"),
            ("GET", "/_synapse/admin/v1/username_available?username=x"),
            ("GET", "/_synapse/admin/v1/threepid/email/users/a%40b.c"),
            ("GET", "/_synapse/admin/v2/users/" + target),
            ("PUT", "/_synapse/admin/v2/users/" + target),
            ("POST", "/_synapse/admin/v1/deactivate/" + target),
            ("POST", "/_synapse/admin/v1/reset_password/" + target),
            ("PUT", "/_synapse/admin/v1/suspend/" + target),
            ("POST", "/_synapse/admin/v1/users/%s/shadow_ban" % target),
            ("DELETE", "/_synapse/admin/v1/users/%s/shadow_ban" % target),
            ("POST", "/_synapse/admin/v1/users/%s/login" % target),
            ("GET", "/_synapse/admin/v1/whois/" + target),
            ("GET", "/_synapse/admin/v2/users/%s/devices" % target),
            ("POST", "/_synapse/admin/v2/users/%s/devices" % target),
            ("GET", "/_synapse/admin/v2/users/%s/devices/D" % target),
            ("PUT", "/_synapse/admin/v2/users/%s/devices/D" % target),
            ("DELETE", "/_synapse/admin/v2/users/%s/devices/D" % target),
            ("POST", "/_synapse/admin/v2/users/%s/delete_devices" % target),
            ("GET", "/_synapse/admin/v1/users/%s/joined_rooms" % target),
            ("GET", "/_synapse/admin/v1/users/%s/memberships" % target),
            ("GET", "/_synapse/admin/v1/users/%s/accountdata" % target),
            ("GET", "/_synapse/admin/v1/users/%s/pushers" % target),
        ]
        for method, path in routes:
            with self.subTest(route=method + " " + path):
                self.error(method, path, {}, self.plain, 403, "M_FORBIDDEN")
                self.error(method, path, {}, None, 401, "M_MISSING_TOKEN")
        # The refused calls changed nothing.
        self.assertEqual(self.whoami(self.plain)[0], 200)

    # -- create, modify, query ---------------------------------------------------------------

    def test_create_modify_and_query(self):
        before = time.time()
        created = self.create("carl", displayname="Carl C", avatar_url="mxc://localhost/abc",
                              user_type="bot", threepids=[], external_ids=[])
        self.assertEqual(created["name"], uid("carl"))
        self.assertEqual(created["displayname"], "Carl C")
        self.assertEqual(created["avatar_url"], "mxc://localhost/abc")
        self.assertEqual(created["user_type"], "bot")
        for flag in ("admin", "is_guest", "deactivated", "erased", "shadow_banned", "locked",
                     "suspended"):
            self.assertIs(created[flag], False, flag)
        # Seconds here (the list gives milliseconds), as Synapse.
        self.assertLessEqual(abs(created["creation_ts"] - before), 5)
        for key in ("threepids", "external_ids", "appservice_id", "consent_version"):
            self.assertIn(key, created)
        self.assertTrue(self.login("carl"))

        # Modify: 200, only what was given changes; "" clears profile fields.
        changed = self.modify("carl", displayname="", user_type=None, admin=True)
        self.assertIsNone(changed["displayname"])
        self.assertEqual(changed["avatar_url"], "mxc://localhost/abc")
        self.assertIsNone(changed["user_type"])
        self.assertIs(changed["admin"], True)
        got = self.call("GET", "/_synapse/admin/v2/users/" + quote(uid("carl")))
        self.assertIs(got["admin"], True)
        # The new admin flag applies to a token that already exists.
        carl = self.login("carl")
        self.call("GET", "/_synapse/admin/v2/users", token=carl)

        # Third-party IDs: replaced as a whole, e-mail addresses in canonical form.
        with_mail = self.modify("carl", threepids=[
            {"medium": "email", "address": " Carl@Example.ORG "},
            {"medium": "email", "address": "c2@example.org"}])
        self.assertEqual(sorted(t["address"] for t in with_mail["threepids"]),
                         ["c2@example.org", "carl@example.org"])
        for threepid in with_mail["threepids"]:
            self.assertEqual(threepid["medium"], "email")
            self.assertGreater(threepid["validated_at"], 10 ** 12)
        one_left = self.modify("carl", threepids=[{"medium": "email",
                                                   "address": "c2@example.org"}])
        self.assertEqual([t["address"] for t in one_left["threepids"]], ["c2@example.org"])
        self.create("mallory")
        self.error("PUT", "/_synapse/admin/v2/users/" + quote(uid("mallory")),
                   {"threepids": [{"medium": "email", "address": "c2@example.org"}]},
                   self.admin, 400, "M_THREEPID_IN_USE")
        self.assertEqual(self.call("GET", "/_synapse/admin/v2/users/" + quote(uid("mallory")))
                         ["threepids"], [])
        self.assertEqual(self.call("GET", "/_synapse/admin/v1/threepid/email/users/"
                                   + quote("c2@example.org")), {"user_id": uid("carl")})
        self.error("GET", "/_synapse/admin/v1/threepid/email/users/" + quote("carl@example.org"),
                   None, self.admin, 404, "M_NOT_FOUND")
        created_with = self.create("mia", threepids=[{"medium": "email",
                                                      "address": "mia@example.org"}])
        self.assertEqual([t["address"] for t in created_with["threepids"]], ["mia@example.org"])

        # SSO identities: replaced as a whole; one linked to another account is a conflict.
        linked = self.modify("carl", external_ids=[
            {"auth_provider": "oidc-a", "external_id": "sub-1"},
            {"auth_provider": "oidc-b", "external_id": "sub-2"}])
        self.assertEqual(sorted((e["auth_provider"], e["external_id"])
                                for e in linked["external_ids"]),
                         [("oidc-a", "sub-1"), ("oidc-b", "sub-2")])
        relinked = self.modify("carl", external_ids=[
            {"auth_provider": "oidc-b", "external_id": "sub-2"}])
        self.assertEqual(relinked["external_ids"],
                         [{"auth_provider": "oidc-b", "external_id": "sub-2"}])
        self.error("PUT", "/_synapse/admin/v2/users/" + quote(uid("mallory")),
                   {"external_ids": [{"auth_provider": "oidc-b", "external_id": "sub-2"}]},
                   self.admin, 409, "M_UNKNOWN")
        self.assertEqual(self.call("GET", "/_synapse/admin/v2/users/" + quote(uid("mallory")))
                         ["external_ids"], [])
        self.error("PUT", "/_synapse/admin/v2/users/" + quote(uid("carl")),
                   {"external_ids": [{"auth_provider": "oidc-a"}]}, self.admin, 400,
                   "M_MISSING_PARAM")

        # Admins may not demote themselves.
        self.error("PUT", "/_synapse/admin/v2/users/" + quote(uid("boss")), {"admin": False},
                   self.admin, 400, "M_UNKNOWN")
        self.error("PUT", "/_synapse/admin/v2/users/" + quote(uid("carl")),
                   {"user_type": "wizard"}, self.admin, 400, "M_UNKNOWN")
        self.error("PUT", "/_synapse/admin/v2/users/" + quote(uid("carl")),
                   {"deactivated": True, "locked": True}, self.admin, 400, "M_UNKNOWN")
        self.error("PUT", "/_synapse/admin/v2/users/" + quote(uid("carl")),
                   {"admin": "yes"}, self.admin, 400, "M_BAD_JSON")
        self.error("PUT", "/_synapse/admin/v2/users/" + quote(uid("carl")),
                   {"threepids": [{"medium": "email"}]}, self.admin, 400, "M_MISSING_PARAM")
        self.error("PUT", "/_synapse/admin/v2/users/" + quote("@x:elsewhere"), {},
                   self.admin, 400, "M_UNKNOWN")
        self.error("GET", "/_synapse/admin/v2/users/" + quote(uid("nobody")), None,
                   self.admin, 404, "M_NOT_FOUND")
        self.error("GET", "/_synapse/admin/v2/users/" + quote("@x:elsewhere"), None,
                   self.admin, 400, "M_UNKNOWN")
        self.error("GET", "/_synapse/admin/v2/users/not-a-user", None, self.admin, 400,
                   "M_INVALID_PARAM")

    def test_username_available(self):
        self.assertEqual(self.call("GET", "/_synapse/admin/v1/username_available?username=free1"),
                         {"available": True})
        self.error("GET", "/_synapse/admin/v1/username_available?username=pleb", None,
                   self.admin, 400, "M_USER_IN_USE")
        self.error("GET", "/_synapse/admin/v1/username_available?username=Bad%20Name", None,
                   self.admin, 400, "M_INVALID_USERNAME")
        self.error("GET", "/_synapse/admin/v1/username_available", None, self.admin, 400,
                   "M_MISSING_PARAM")

    # -- listing -----------------------------------------------------------------------------

    def test_list_filters(self):
        # A population of its own, told apart from other tests' users by the name filter.
        self.create("lst_admin", admin=True, displayname="Zed Admin")
        self.create("lst_bot", user_type="bot", displayname="Robo")
        self.create("lst_plain", displayname="Anne")
        self.create("lst_locked", locked=True)
        self.create("lst_gone")
        self.create("lst_susp")
        self.call("POST", "/_synapse/admin/v1/deactivate/" + quote(uid("lst_gone")), {})
        self.call("PUT", "/_synapse/admin/v1/suspend/" + quote(uid("lst_susp")), {"suspend": True})
        q = "name=lst_"
        active = [uid(n) for n in ("lst_admin", "lst_bot", "lst_plain", "lst_susp")]
        self.assertEqual(self.names(q), active)
        listed = self.list_users(q)
        self.assertEqual(listed["total"], 4)
        self.assertNotIn("next_token", listed)
        entry = next(u for u in listed["users"] if u["name"] == uid("lst_bot"))
        for key in ("name", "user_type", "is_guest", "admin", "deactivated", "erased",
                    "shadow_banned", "displayname", "avatar_url", "creation_ts", "locked",
                    "last_seen_ts"):
            self.assertIn(key, entry)
        self.assertEqual(entry["user_type"], "bot")
        self.assertGreater(entry["creation_ts"], 10 ** 12)  # milliseconds in the list
        self.assertEqual(self.names(q + "&guests=false"), active)

        # deactivated: v2 includes them on true; v3 filters both ways, and not at all if absent.
        everyone_unlocked = sorted(active + [uid("lst_gone")])
        self.assertEqual(self.names(q + "&deactivated=true"), everyone_unlocked)
        self.assertEqual(self.names(q + "&deactivated=false"), active)
        self.assertEqual(self.names(q, "v3"), everyone_unlocked)
        self.assertEqual(self.names(q + "&deactivated=true", "v3"), [uid("lst_gone")])
        self.assertEqual(self.names(q + "&deactivated=false", "v3"), active)

        self.assertEqual(self.names(q + "&locked=true"),
                         sorted(active + [uid("lst_locked")]))
        self.assertEqual(self.names(q + "&admins=true"), [uid("lst_admin")])
        self.assertEqual(self.names(q + "&admins=false"),
                         [uid(n) for n in ("lst_bot", "lst_plain", "lst_susp")])
        self.assertEqual(self.names(q + "&suspended=true", "v3"), [uid("lst_susp")])
        self.assertNotIn(uid("lst_susp"), self.names(q + "&suspended=false", "v3"))
        self.assertEqual(self.names(q + "&not_user_type=bot"),
                         [uid(n) for n in ("lst_admin", "lst_plain", "lst_susp")])
        self.assertEqual(self.names(q + "&not_user_type="), [uid("lst_bot")])
        # name also matches display names, ignoring case; user_id matches the whole ID.
        self.assertEqual(self.names("name=robo"), [uid("lst_bot")])
        self.assertEqual(self.names("user_id=lst_pl"), [uid("lst_plain")])
        self.assertEqual(self.names("name=localhost"), [])  # not part of any localpart

    def test_list_orders_both_ways(self):
        self.create("ord_a", displayname="Mike", avatar_url="mxc://localhost/z")
        self.create("ord_b", displayname="Alpha", admin=True)
        self.create("ord_c", displayname="Zulu", user_type="support",
                    avatar_url="mxc://localhost/a")
        self.call("POST", "/_synapse/admin/v1/users/%s/shadow_ban" % quote(uid("ord_a")), {})
        self.whoami(self.login("ord_c"))
        q = "name=ord_&locked=true&deactivated=true"
        users = self.list_users(q)["users"]
        self.assertEqual(len(users), 3)

        def key(order):
            # Synapse sorts on the column with NULLs first ascending (SQLite), ties by name.
            def value(u):
                v = u[order]
                return (v is not None, v if v is not None else 0)
            return value

        for order in ORDERS:
            for direction in ("f", "b"):
                with self.subTest(order=order, dir=direction):
                    got = self.list_users(q + "&order_by=%s&dir=%s" % (order, direction))
                    # Python's sort is stable even reversed: ties keep ascending names.
                    ordered = sorted(sorted(users, key=lambda u: u["name"]), key=key(order),
                                     reverse=direction == "b")
                    self.assertEqual([u["name"] for u in got["users"]],
                                     [u["name"] for u in ordered])
        self.assertEqual(self.names(q + "&order_by=displayname"),
                         [uid("ord_b"), uid("ord_a"), uid("ord_c")])
        self.assertEqual(self.names(q + "&order_by=displayname&dir=b"),
                         [uid("ord_c"), uid("ord_a"), uid("ord_b")])

    def test_pagination_until_exhausted(self):
        for i in range(7):
            self.create("pg_%02d" % i)
        q = "name=pg_&limit=3"
        seen, token, pages = [], None, 0
        while True:
            page = self.list_users(q + ("&from=" + token if token else ""))
            self.assertEqual(page["total"], 7)
            seen += [u["name"] for u in page["users"]]
            pages += 1
            token = page.get("next_token")
            if token is None:
                break
            self.assertIsInstance(token, str)
        self.assertEqual(pages, 3)
        self.assertEqual(seen, [uid("pg_%02d" % i) for i in range(7)])
        backwards = self.names("name=pg_&limit=3&dir=b")
        self.assertEqual(backwards, [uid("pg_%02d" % i) for i in (6, 5, 4)])

    def test_list_rejects_bad_parameters(self):
        for query in ("limit=-1", "limit=abc", "from=-5", "from=x", "order_by=bogus", "dir=x",
                      "deactivated=maybe", "guests=1", "admins=yes", "locked=nope"):
            for version in ("v2", "v3"):
                with self.subTest(query=query, version=version):
                    self.error("GET", "/_synapse/admin/%s/users?%s" % (version, query), None,
                               self.admin, 400, "M_INVALID_PARAM")

    # -- deactivation ------------------------------------------------------------------------

    def test_deactivate_erase_and_reactivate(self):
        self.create("dora", displayname="Dora",
                    threepids=[{"medium": "email", "address": "dora@example.org"}])
        dora = self.login("dora")
        room = self.room(dora)
        self.assertEqual(self.call("GET", "/_synapse/admin/v1/users/%s/joined_rooms"
                                   % quote(uid("dora"))), {"joined_rooms": [room], "total": 1})
        self.error("POST", "/_synapse/admin/v1/deactivate/" + quote(uid("dora")), {"erase": 1},
                   self.admin, 400, "M_BAD_JSON")
        result = self.call("POST", "/_synapse/admin/v1/deactivate/" + quote(uid("dora")),
                           {"erase": True})
        self.assertEqual(result, {"id_server_unbind_result": "no-support"})
        self.assertEqual(self.whoami(dora)[0], 401)
        self.login("dora", expect=403)
        got = self.call("GET", "/_synapse/admin/v2/users/" + quote(uid("dora")))
        self.assertIs(got["deactivated"], True)
        self.assertIs(got["erased"], True)
        self.assertIsNone(got["displayname"])
        self.assertEqual(got["threepids"], [])
        self.assertEqual(self.call("GET", "/_synapse/admin/v1/users/%s/joined_rooms"
                                   % quote(uid("dora")))["total"], 0)
        self.assertEqual(self.call("GET", "/_synapse/admin/v1/users/%s/memberships"
                                   % quote(uid("dora"))), {"memberships": {room: "leave"}})
        self.error("POST", "/_synapse/admin/v1/deactivate/" + quote(uid("nobody")), {},
                   self.admin, 404, "M_NOT_FOUND")
        self.error("POST", "/_synapse/admin/v1/deactivate/" + quote("@x:elsewhere"), {},
                   self.admin, 400, "M_UNKNOWN")

        # Reactivation with a new password (deactivation wiped the old one).
        back = self.modify("dora", deactivated=False, password="new pw")
        self.assertIs(back["deactivated"], False)
        self.assertIs(back["erased"], False)
        self.assertEqual(self.whoami(self.login("dora", "new pw"))[0], 200)

        # Deactivation through PUT, without erasing.
        self.modify("dora", deactivated=True)
        got = self.call("GET", "/_synapse/admin/v2/users/" + quote(uid("dora")))
        self.assertEqual((got["deactivated"], got["erased"]), (True, False))

    def test_reset_password(self):
        self.create("rita")
        first = self.login("rita")
        self.call("POST", "/_synapse/admin/v1/reset_password/" + quote(uid("rita")),
                  {"new_password": "second", "logout_devices": False})
        self.assertEqual(self.whoami(first)[0], 200)  # kept: logout_devices false
        self.login("rita", expect=403)
        second = self.login("rita", "second")
        self.call("POST", "/_synapse/admin/v1/reset_password/" + quote(uid("rita")),
                  {"new_password": "third"})
        self.assertEqual(self.whoami(first)[0], 401)
        self.assertEqual(self.whoami(second)[0], 401)
        self.login("rita", "third")
        self.error("POST", "/_synapse/admin/v1/reset_password/" + quote(uid("rita")), {},
                   self.admin, 400, "M_MISSING_PARAM")
        self.error("POST", "/_synapse/admin/v1/reset_password/" + quote(uid("nobody")),
                   {"new_password": "x"}, self.admin, 404, "M_NOT_FOUND")

    # -- lock, suspend, shadow-ban ------------------------------------------------------------

    def test_lock_and_unlock(self):
        self.create("lola")
        lola = self.login("lola")
        self.modify("lola", locked=True)
        status, body = self.whoami(lola)
        self.assertEqual((status, body["errcode"], body.get("soft_logout")),
                         (401, "M_USER_LOCKED", True))
        self.assertIs(self.call("GET", "/_synapse/admin/v2/users/" + quote(uid("lola")))["locked"],
                      True)
        self.modify("lola", locked=False)
        self.assertEqual(self.whoami(lola)[0], 200)

    def test_suspend(self):
        owner = self.login("pleb")
        room = self.room(owner, preset="public_chat")
        self.create("sue")
        sue = self.login("sue")
        self.call("POST", "/_matrix/client/v3/rooms/%s/join" % quote(room), {}, token=sue)
        other_room = self.room(owner, preset="public_chat")
        path = "/_synapse/admin/v1/suspend/" + quote(uid("sue"))
        self.error("PUT", path, {"suspend": "yes"}, self.admin, 400, "M_BAD_JSON")
        self.assertEqual(self.call("PUT", path, {"suspend": True}),
                         {"user_%s_suspended" % uid("sue"): True})
        self.assertIs(self.call("GET", "/_synapse/admin/v2/users/" + quote(uid("sue")))
                      ["suspended"], True)
        status, body = self.send(sue, room, "hello", "s1")
        self.assertEqual((status, body["errcode"]), (403, "M_USER_SUSPENDED"))
        self.error("PUT", "/_matrix/client/v3/rooms/%s/state/m.room.topic/" % quote(room),
                   {"topic": "x"}, sue, 403, "M_USER_SUSPENDED")
        self.error("POST", "/_matrix/client/v3/createRoom", {}, sue, 403, "M_USER_SUSPENDED")
        self.error("POST", "/_matrix/client/v3/join/" + quote(other_room), {}, sue, 403,
                   "M_USER_SUSPENDED")
        self.error("POST", "/_matrix/client/v3/rooms/%s/invite" % quote(room),
                   {"user_id": uid("pleb")}, sue, 403, "M_USER_SUSPENDED")
        self.error("PUT", "/_matrix/client/v3/profile/%s/displayname" % quote(uid("sue")),
                   {"displayname": "S"}, sue, 403, "M_USER_SUSPENDED")
        # Reading still works.
        self.messages(sue, room)
        self.call("GET", "/_matrix/client/v3/sync?timeout=0", token=sue)
        self.call("PUT", path, {"suspend": False})
        self.assertEqual(self.send(sue, room, "hello", "s2")[0], 200)
        self.error("PUT", "/_synapse/admin/v1/suspend/" + quote(uid("nobody")),
                   {"suspend": True}, self.admin, 404, "M_NOT_FOUND")

    def test_shadow_ban(self):
        owner = self.login("pleb")
        room = self.room(owner, preset="public_chat")
        self.create("shade")
        self.create("victim")
        shade = self.login("shade")
        self.call("POST", "/_matrix/client/v3/rooms/%s/join" % quote(room), {}, token=shade)
        self.call("POST", "/_synapse/admin/v1/users/%s/shadow_ban" % quote(uid("shade")), {})
        self.assertIs(self.call("GET", "/_synapse/admin/v2/users/" + quote(uid("shade")))
                      ["shadow_banned"], True)
        status, sent = self.send(shade, room, "spam", "t1")
        self.assertEqual(status, 200, sent)
        self.assertTrue(sent["event_id"].startswith("$"))
        self.assertNotIn("spam", [e["content"].get("body") for e in self.messages(owner, room)])
        self.error("GET", "/_matrix/client/v3/rooms/%s/event/%s"
                   % (quote(room), quote(sent["event_id"])), None, owner, 404, "M_NOT_FOUND")
        status, state = self.server.request(
            "PUT", "/_matrix/client/v3/rooms/%s/state/m.room.topic/" % quote(room),
            {"topic": "hidden"}, token=shade)
        self.assertEqual(status, 200, state)
        # The invite answers {} but never reaches the invitee.
        self.call("POST", "/_matrix/client/v3/rooms/%s/invite" % quote(room),
                  {"user_id": uid("victim")}, token=shade)
        self.assertEqual(self.call("GET", "/_synapse/admin/v1/users/%s/memberships"
                                   % quote(uid("victim"))), {"memberships": {}})
        self.call("DELETE", "/_synapse/admin/v1/users/%s/shadow_ban" % quote(uid("shade")))
        self.assertEqual(self.send(shade, room, "visible", "t2")[0], 200)
        self.assertIn("visible", [e["content"].get("body") for e in self.messages(owner, room)])
        self.error("POST", "/_synapse/admin/v1/users/%s/shadow_ban" % quote("@x:elsewhere"), {},
                   self.admin, 400, "M_UNKNOWN")

    # -- sessions ----------------------------------------------------------------------------

    def test_login_as(self):
        self.create("pup")
        path = "/_synapse/admin/v1/users/%s/login" % quote(uid("pup"))
        token = self.call("POST", path, {})["access_token"]
        status, me = self.whoami(token)
        self.assertEqual((status, me["user_id"]), (200, uid("pup")))
        devices = self.call("GET", "/_synapse/admin/v2/users/%s/devices" % quote(uid("pup")))
        self.assertEqual(devices["total"], 0)  # no device appears for the puppet token
        expired = self.call("POST", path,
                            {"valid_until_ms": int(time.time() * 1000) - 1})["access_token"]
        status, body = self.whoami(expired)
        self.assertEqual((status, body["errcode"]), (401, "M_UNKNOWN_TOKEN"))
        self.error("POST", path, {"valid_until_ms": "soon"}, self.admin, 400, "M_UNKNOWN")
        self.error("POST", "/_synapse/admin/v1/users/%s/login" % quote(uid("boss")), {},
                   self.admin, 400, "M_UNKNOWN")
        self.error("POST", "/_synapse/admin/v1/users/%s/login" % quote(uid("nobody")), {},
                   self.admin, 404, "M_NOT_FOUND")

    def test_whois(self):
        self.create("wanda")
        wanda = self.login("wanda", device_id="WDEV")
        self.call("GET", "/_matrix/client/v3/account/whoami", token=wanda,
                  headers={"User-Agent": "whois-test/1.0"})
        for path in ("/_synapse/admin/v1/whois/", "/_matrix/client/v3/admin/whois/",
                     "/_matrix/client/r0/admin/whois/"):
            got = self.call("GET", path + quote(uid("wanda")))
            self.assertEqual(got["user_id"], uid("wanda"))
            connections = got["devices"]["WDEV"]["sessions"][0]["connections"]
            agents = {c["user_agent"]: c for c in connections}
            self.assertIn("whois-test/1.0", agents)
            self.assertEqual(agents["whois-test/1.0"]["ip"], "127.0.0.1")
            self.assertGreater(agents["whois-test/1.0"]["last_seen"], 10 ** 12)
        # The spec's path: oneself yes, someone else only as an admin.
        self.call("GET", "/_matrix/client/v3/admin/whois/" + quote(uid("wanda")), token=wanda)
        self.error("GET", "/_matrix/client/v3/admin/whois/" + quote(uid("boss")), None, wanda,
                   403, "M_FORBIDDEN")
        self.error("GET", "/_synapse/admin/v1/whois/" + quote("@x:elsewhere"), None, self.admin,
                   400, "M_UNKNOWN")
        # last_seen_ts shows in the user's record.
        self.assertIsNotNone(
            self.call("GET", "/_synapse/admin/v2/users/" + quote(uid("wanda")))["last_seen_ts"])

    def test_devices(self):
        self.create("dev")
        one = self.login("dev", device_id="ONE")
        two = self.login("dev", device_id="TWO")
        self.call("GET", "/_matrix/client/v3/account/whoami", token=one,
                  headers={"User-Agent": "dev-agent"})
        base = "/_synapse/admin/v2/users/%s/devices" % quote(uid("dev"))
        listed = self.call("GET", base)
        self.assertEqual(listed["total"], 2)
        by_id = {d["device_id"]: d for d in listed["devices"]}
        self.assertEqual(set(by_id), {"ONE", "TWO"})
        self.assertEqual(by_id["ONE"]["last_seen_user_agent"], "dev-agent")
        self.assertEqual(by_id["ONE"]["last_seen_ip"], "127.0.0.1")
        self.assertEqual(by_id["ONE"]["user_id"], uid("dev"))
        self.call("PUT", base + "/ONE", {"display_name": "phone"})
        self.assertEqual(self.call("GET", base + "/ONE")["display_name"], "phone")
        self.error("GET", base + "/NOPE", None, self.admin, 404, "M_NOT_FOUND")
        self.error("PUT", base + "/NOPE", {"display_name": "x"}, self.admin, 404, "M_NOT_FOUND")
        self.call("DELETE", base + "/ONE")
        self.assertEqual(self.whoami(one)[0], 401)
        self.assertEqual(self.whoami(two)[0], 200)
        self.call("POST", base, {"device_id": "THREE"})
        self.assertEqual(self.call("GET", base)["total"], 2)
        self.error("POST", "/_synapse/admin/v2/users/%s/delete_devices" % quote(uid("dev")), {},
                   self.admin, 400, "M_MISSING_PARAM")
        self.call("POST", "/_synapse/admin/v2/users/%s/delete_devices" % quote(uid("dev")),
                  {"devices": ["TWO", "THREE"]})
        self.assertEqual(self.call("GET", base), {"devices": [], "total": 0})
        self.assertEqual(self.whoami(two)[0], 401)
        self.error("GET", "/_synapse/admin/v2/users/%s/devices" % quote(uid("nobody")), None,
                   self.admin, 404, "M_NOT_FOUND")

    # -- rooms and data ----------------------------------------------------------------------

    def test_rooms_account_data_and_pushers(self):
        self.create("ada")
        ada = self.login("ada")
        room = self.room(ada)
        left = self.room(ada)
        self.call("POST", "/_matrix/client/v3/rooms/%s/leave" % quote(left), {}, token=ada)
        self.call("PUT", "/_matrix/client/v3/user/%s/account_data/org.example.g" % quote(uid("ada")),
                  {"a": 1}, token=ada)
        self.call("PUT", "/_matrix/client/v3/user/%s/rooms/%s/account_data/org.example.r"
                  % (quote(uid("ada")), quote(room)), {"b": 2}, token=ada)
        user = quote(uid("ada"))
        self.assertEqual(self.call("GET", "/_synapse/admin/v1/users/%s/joined_rooms" % user),
                         {"joined_rooms": [room], "total": 1})
        self.assertEqual(self.call("GET", "/_synapse/admin/v1/users/%s/memberships" % user),
                         {"memberships": {room: "join", left: "leave"}})
        data = self.call("GET", "/_synapse/admin/v1/users/%s/accountdata" % user)["account_data"]
        self.assertEqual(data["global"]["org.example.g"], {"a": 1})
        self.assertEqual(data["rooms"], {room: {"org.example.r": {"b": 2}}})
        self.assertEqual(self.call("GET", "/_synapse/admin/v1/users/%s/pushers" % user),
                         {"pushers": [], "total": 0})
        for what in ("accountdata", "pushers", "joined_rooms", "memberships"):
            self.error("GET", "/_synapse/admin/v1/users/%s/%s" % (quote(uid("nobody")), what),
                       None, self.admin, 404, "M_NOT_FOUND")
        self.error("GET", "/_synapse/admin/v1/users/%s/accountdata" % quote("@x:elsewhere"),
                   None, self.admin, 400, "M_UNKNOWN")


if __name__ == "__main__":
    unittest.main()
