"""Rate limits (Synapse's rc_* settings) against the real binary: 429 M_LIMIT_EXCEEDED with
retry_after_ms and Retry-After, by client IP before login and by user after, per account for
logins, the admin override, and X-Forwarded-For trusted only on listeners that say so.

Limits are small so that each test reaches them in a few requests; every wait is the
retry_after_ms the server answered, never a guess."""
import math
import time
import unittest

import harness
from harness import quote

BINARY = harness.myelin_path()
PASSWORD = "correct horse battery staple"

# Small limits that refill in about two seconds. Keys a test does not exercise stay out of the
# way. Registration and login are keyed by client IP: every test uses its own X-Forwarded-For
# address on the proxied server, so the tests do not share buckets.
SMALL_LIMITS = """
rc_registration: {per_second: 0.5, burst_count: 2}
rc_login:
  address: {per_second: 0.5, burst_count: 3}
  account: {per_second: 1000, burst_count: 1000}
  failed_attempts: {per_second: 0.5, burst_count: 2}
rc_message: {per_second: 0.5, burst_count: 3}
rc_joins: {local: {per_second: 0.5, burst_count: 2}, remote: {per_second: 0.5, burst_count: 2}}
rc_invites:
  per_room: {per_second: 1000, burst_count: 1000}
  per_user: {per_second: 1000, burst_count: 1000}
  per_issuer: {per_second: 0.5, burst_count: 2}
"""


def behind_proxy(server):
    """Turns x_forwarded on for the generated listener (before the server starts)."""
    with open(server.config_path) as f:
        text = f.read()
    assert "x_forwarded: false" in text, "generate-config no longer writes x_forwarded"
    with open(server.config_path, "w") as f:
        f.write(text.replace("x_forwarded: false", "x_forwarded: true"))


def forwarded(ip):
    return {"X-Forwarded-For": ip + ", 10.9.8.7"}


class LimitAssertions:
    def assert_limited(self, status, headers, body):
        """A 429 as Synapse sends it; returns the wait in seconds it announced."""
        self.assertEqual(status, 429, body)
        self.assertEqual(body["errcode"], "M_LIMIT_EXCEEDED")
        retry_ms = body["retry_after_ms"]
        self.assertIsInstance(retry_ms, int)
        self.assertGreater(retry_ms, 0)
        self.assertEqual(headers.get("retry-after"), str(math.ceil(retry_ms / 1000)))
        return retry_ms / 1000

    @staticmethod
    def wait(seconds):
        # The server said when one more request fits; a few ms of slack for clock granularity.
        time.sleep(seconds + 0.01)


class ProxiedServerTest(unittest.TestCase, LimitAssertions):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Homeserver(BINARY, rate_limits=SMALL_LIMITS)
        behind_proxy(cls.server)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    # -- helpers -----------------------------------------------------------------------------

    def register(self, name, ip):
        """Open sign-up through the dummy UIA flow from `ip`: (status, headers, body) of the
        first refused or the final request."""
        path = "/_matrix/client/v3/register"
        body = {"username": name, "password": PASSWORD}
        status, headers, challenge = self.server.request_full("POST", path, body,
                                                              headers=forwarded(ip))
        if status != 401:
            return status, headers, challenge
        body["auth"] = {"type": "m.login.dummy", "session": challenge["session"]}
        return self.server.request_full("POST", path, body, headers=forwarded(ip))

    def login(self, name, ip, password=PASSWORD):
        return self.server.request_full("POST", "/_matrix/client/v3/login", {
            "type": "m.login.password", "identifier": {"type": "m.id.user", "user": name},
            "password": password}, headers=forwarded(ip))

    def user(self, name):
        """A user made with the shared secret, which rc_registration does not limit."""
        status, body = self.server.register_with_shared_secret(name, PASSWORD)
        self.assertEqual(status, 200, body)
        return body["access_token"]

    def send(self, token, room_id, text):
        path = "/_matrix/client/v3/rooms/%s/send/m.room.message/%s" % (
            quote(room_id), "t%d" % time.monotonic_ns())
        return self.server.request_full("PUT", path, {"msgtype": "m.text", "body": text},
                                        token=token)

    def room(self, token, preset="public_chat"):
        status, body = self.server.request("POST", "/_matrix/client/v3/createRoom",
                                           {"preset": preset}, token=token)
        self.assertEqual(status, 200, body)
        return body["room_id"]

    # -- tests -------------------------------------------------------------------------------

    def test_registration_per_ip_counts_accounts_not_auth_steps(self):
        ip = "203.0.113.1"
        # Four requests (two UIA rounds) but two registrations: within the burst of 2.
        for name in ("reg_a", "reg_b"):
            status, _, body = self.register(name, ip)
            self.assertEqual(status, 200, body)
        status, headers, body = self.register("reg_c", ip)
        wait = self.assert_limited(status, headers, body)
        # Another address is not limited by this one's registrations.
        status, _, body = self.register("reg_d", "203.0.113.2")
        self.assertEqual(status, 200, body)
        self.wait(wait)
        status, _, body = self.register("reg_c", ip)
        self.assertEqual(status, 200, body)

    def test_login_per_ip(self):
        self.user("login_ip")
        ip = "203.0.113.10"
        for _ in range(3):
            status, _, body = self.login("login_ip", ip)
            self.assertEqual(status, 200, body)
        status, headers, body = self.login("login_ip", ip)
        wait = self.assert_limited(status, headers, body)
        status, _, body = self.login("login_ip", "203.0.113.11")
        self.assertEqual(status, 200, body)
        self.wait(wait)
        status, _, body = self.login("login_ip", ip)
        self.assertEqual(status, 200, body)

    def test_failed_logins_per_account(self):
        self.user("victim")
        self.user("bystander")
        # Each attempt from its own address: only the account's failures add up.
        for i in range(2):
            status, _, body = self.login("victim", "198.51.100.%d" % i, password="wrong")
            self.assertEqual((status, body["errcode"]), (403, "M_FORBIDDEN"))
        # Now even the right password is refused for a while…
        status, headers, body = self.login("victim", "198.51.100.10")
        wait = self.assert_limited(status, headers, body)
        # …but other accounts log in as usual.
        status, _, body = self.login("bystander", "198.51.100.11")
        self.assertEqual(status, 200, body)
        self.wait(wait)
        status, _, body = self.login("victim", "198.51.100.12")
        self.assertEqual(status, 200, body)

    def test_messages_per_user(self):
        chatty = self.user("chatty")
        quiet = self.user("quiet")
        room_id = self.room(chatty)
        status, body = self.server.request("POST", "/_matrix/client/v3/join/" + quote(room_id),
                                           {}, token=quiet)
        self.assertEqual(status, 200, body)
        for i in range(3):
            status, _, body = self.send(chatty, room_id, "burst %d" % i)
            self.assertEqual(status, 200, body)
        status, headers, body = self.send(chatty, room_id, "one too many")
        wait = self.assert_limited(status, headers, body)
        # One user being limited does not limit another.
        status, _, body = self.send(quiet, room_id, "hello")
        self.assertEqual(status, 200, body)
        self.wait(wait)
        status, _, body = self.send(chatty, room_id, "after the wait")
        self.assertEqual(status, 200, body)
        # The refused message was never sent.
        status, messages = self.server.request(
            "GET", "/_matrix/client/v3/rooms/%s/messages?dir=b&limit=20" % quote(room_id),
            token=quiet)
        self.assertEqual(status, 200, messages)
        texts = [e["content"].get("body") for e in messages["chunk"]
                 if e["type"] == "m.room.message"]
        self.assertNotIn("one too many", texts)
        self.assertIn("after the wait", texts)

    def test_server_admins_are_limited_like_everyone(self):
        admin = self.server.register_admin("limited_admin")["access_token"]
        room_id = self.room(admin)
        for i in range(3):
            status, _, body = self.send(admin, room_id, "admin %d" % i)
            self.assertEqual(status, 200, body)
        status, headers, body = self.send(admin, room_id, "admin again")
        self.assert_limited(status, headers, body)

    def test_joins_per_user(self):
        owner = self.user("join_owner")
        joiner = self.user("joiner")
        rooms = [self.room(owner) for _ in range(3)]
        for room_id in rooms[:2]:
            status, body = self.server.request(
                "POST", "/_matrix/client/v3/rooms/%s/join" % quote(room_id), {}, token=joiner)
            self.assertEqual(status, 200, body)
        status, headers, body = self.server.request_full(
            "POST", "/_matrix/client/v3/join/" + quote(rooms[2]), {}, token=joiner)
        wait = self.assert_limited(status, headers, body)
        status, members = self.server.request(
            "GET", "/_matrix/client/v3/rooms/%s/joined_members" % quote(rooms[2]), token=owner)
        self.assertEqual(status, 200, members)
        self.assertNotIn("@joiner:localhost", members["joined"])
        self.wait(wait)
        status, body = self.server.request(
            "POST", "/_matrix/client/v3/join/" + quote(rooms[2]), {}, token=joiner)
        self.assertEqual(status, 200, body)

    def test_invites_per_issuer(self):
        host = self.user("inviter")
        room_id = self.room(host, preset="private_chat")
        for name in ("guest_a", "guest_b", "guest_c"):
            self.user(name)
        path = "/_matrix/client/v3/rooms/%s/invite" % quote(room_id)
        for name in ("guest_a", "guest_b"):
            status, body = self.server.request("POST", path, {"user_id": "@%s:localhost" % name},
                                               token=host)
            self.assertEqual(status, 200, body)
        status, headers, body = self.server.request_full(
            "POST", path, {"user_id": "@guest_c:localhost"}, token=host)
        self.assert_limited(status, headers, body)

    def test_admin_override_lifts_and_changes_the_message_limit(self):
        admin = self.server.register_admin("rl_admin")["access_token"]
        bot = self.user("bot")
        room_id = self.room(bot)
        path = "/_synapse/admin/v1/users/%s/override_ratelimit" % quote("@bot:localhost")
        for i in range(3):
            self.assertEqual(self.send(bot, room_id, "before %d" % i)[0], 200)
        status, headers, body = self.send(bot, room_id, "limited")
        self.assert_limited(status, headers, body)

        # Only admins may look or change it.
        for method, body in (("GET", None), ("POST", {}), ("DELETE", None)):
            status, error = self.server.request(method, path, body, token=bot)
            self.assertEqual((status, error["errcode"]), (403, "M_FORBIDDEN"), method)

        self.assertEqual(self.server.request("GET", path, token=admin), (200, {}))
        # 0/0 (Synapse's defaults for a body without fields): not limited at all.
        status, body = self.server.request("POST", path, {}, token=admin)
        self.assertEqual((status, body), (200, {"messages_per_second": 0, "burst_count": 0}))
        self.assertEqual(self.server.request("GET", path, token=admin),
                         (200, {"messages_per_second": 0, "burst_count": 0}))
        for i in range(15):
            status, _, body = self.send(bot, room_id, "unlimited %d" % i)
            self.assertEqual(status, 200, body)

        # A rate of its own: a burst of 10 replaces rc_message's 3 (the bucket still holds
        # the burst of 3 sent before, so 7 more fit).
        status, body = self.server.request("POST", path,
                                           {"messages_per_second": 1, "burst_count": 10},
                                           token=admin)
        self.assertEqual((status, body), (200, {"messages_per_second": 1, "burst_count": 10}))
        sent = 0
        while sent < 20:
            status, headers, body = self.send(bot, room_id, "custom %d" % sent)
            if status != 200:
                self.assert_limited(status, headers, body)
                break
            sent += 1
        self.assertGreaterEqual(sent, 6)
        self.assertLess(sent, 20)

        # Deleted: rc_message applies again, and the bucket is full.
        self.assertEqual(self.server.request("DELETE", path, token=admin), (200, {}))
        self.assertEqual(self.server.request("GET", path, token=admin), (200, {}))
        status, headers, body = self.send(bot, room_id, "limited again")
        self.assert_limited(status, headers, body)

        # Synapse's refusals.
        status, body = self.server.request("POST", path, {"messages_per_second": -1},
                                           token=admin)
        self.assertEqual((status, body["errcode"]), (400, "M_INVALID_PARAM"))
        status, body = self.server.request("POST", path, {"burst_count": "many"}, token=admin)
        self.assertEqual((status, body["errcode"]), (400, "M_INVALID_PARAM"))
        remote = "/_synapse/admin/v1/users/%s/override_ratelimit" % quote("@bot:elsewhere.org")
        status, body = self.server.request("POST", remote, {}, token=admin)
        self.assertEqual((status, body["errcode"]), (400, "M_UNKNOWN"))
        unknown = "/_synapse/admin/v1/users/%s/override_ratelimit" % quote("@nobody:localhost")
        status, body = self.server.request("GET", unknown, token=admin)
        self.assertEqual((status, body["errcode"]), (404, "M_NOT_FOUND"))

    def test_override_survives_a_restart(self):
        admin = self.server.register_admin("rl_admin2")["access_token"]
        self.user("steady")
        path = "/_synapse/admin/v1/users/%s/override_ratelimit" % quote("@steady:localhost")
        status, body = self.server.request("POST", path,
                                           {"messages_per_second": 7, "burst_count": 70},
                                           token=admin)
        self.assertEqual(status, 200, body)
        self.server.restart()
        self.assertEqual(self.server.request("GET", path, token=admin),
                         (200, {"messages_per_second": 7, "burst_count": 70}))

    def test_x_forwarded_for_is_the_client_address_behind_a_proxy(self):
        # Three registrations from three forwarded addresses: more than the burst of 2 that
        # one address gets, though every request comes from 127.0.0.1.
        for i, name in enumerate(("xff_a", "xff_b", "xff_c")):
            status, _, body = self.register(name, "192.0.2.%d" % (50 + i))
            self.assertEqual(status, 200, body)


class DirectServerTest(unittest.TestCase, LimitAssertions):
    """A listener without x_forwarded: X-Forwarded-For is a client's claim and is ignored."""

    @classmethod
    def setUpClass(cls):
        cls.server = harness.Homeserver(
            BINARY, rate_limits="rc_registration: {per_second: 0.5, burst_count: 1}\n")
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def test_x_forwarded_for_is_ignored(self):
        path = "/_matrix/client/v3/register"
        body = {"username": "direct_a", "password": PASSWORD}
        status, challenge = self.server.request("POST", path, body,
                                                headers=forwarded("192.0.2.1"))
        self.assertEqual(status, 401, challenge)
        body["auth"] = {"type": "m.login.dummy", "session": challenge["session"]}
        status, result = self.server.request("POST", path, body, headers=forwarded("192.0.2.1"))
        self.assertEqual(status, 200, result)
        # A different claimed address changes nothing: 127.0.0.1 has used its burst.
        status, headers, refused = self.server.request_full(
            "POST", path, {"username": "direct_b", "password": PASSWORD},
            headers=forwarded("192.0.2.2"))
        self.assert_limited(status, headers, refused)

    def test_synapse_defaults_apply_to_keys_not_given(self):
        # rc_login.address keeps Synapse's burst of 5 per address when only rc_registration is
        # configured: the sixth login from 127.0.0.1 is refused, for minutes (0.003/s).
        status, body = self.server.register_with_shared_secret("defaults", PASSWORD)
        self.assertEqual(status, 200, body)
        login = {"type": "m.login.password",
                 "identifier": {"type": "m.id.user", "user": "defaults"}, "password": PASSWORD}
        # Synapse's rc_login.account (burst 5) counts these successful logins too.
        for _ in range(5):
            status, body = self.server.request("POST", "/_matrix/client/v3/login", login)
            self.assertEqual(status, 200, body)
        status, headers, body = self.server.request_full("POST", "/_matrix/client/v3/login",
                                                         login)
        wait = self.assert_limited(status, headers, body)
        self.assertGreater(wait, 300)  # 1 / 0.003 s ≈ 333 s


if __name__ == "__main__":
    unittest.main(verbosity=2)
