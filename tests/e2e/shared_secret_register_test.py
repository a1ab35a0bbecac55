"""Shared-secret registration (Synapse's POST /_synapse/admin/v1/register) and the admin flag,
driven over HTTP against the real binary. This is how operators make their first admin, in any
registration mode, so it runs here with sign-up closed."""
import hashlib
import hmac
import re
import sys
import unittest

import harness

BINARY = harness.myelin_path()


class SharedSecretRegistrationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Homeserver(BINARY, config="registration: {mode: closed}\n")
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def test_creates_an_admin_even_with_sign_up_closed(self):
        status, body = self.server.register_with_shared_secret("Root", "pw-1", admin=True)
        self.assertEqual(status, 200, body)
        # Synapse registers the lower-cased name.
        self.assertEqual(body["user_id"], "@root:localhost")
        self.assertEqual(body["home_server"], "localhost")
        token = body["access_token"]
        status, whoami = self.server.request("GET", "/_matrix/client/v3/account/whoami",
                                             token=token)
        self.assertEqual((status, whoami["user_id"]), (200, "@root:localhost"))
        status, flag = self.server.request("GET", "/_synapse/admin/v1/users/@root:localhost/admin",
                                           token=token)
        self.assertEqual((status, flag), (200, {"admin": True}))
        # The display name defaults to the name as sent, as Synapse.
        status, profile = self.server.request("GET", "/_matrix/client/v3/profile/@root:localhost")
        self.assertEqual((status, profile.get("displayname")), (200, "Root"))
        # The password works for a normal login.
        status, login = self.server.request("POST", "/_matrix/client/v3/login", {
            "type": "m.login.password", "identifier": {"type": "m.id.user", "user": "root"},
            "password": "pw-1"})
        self.assertEqual(status, 200, login)
        # Client sign-up stays closed.
        status, refused = self.server.request("POST", "/_matrix/client/v3/register",
                                              {"username": "x", "password": "y"})
        self.assertEqual((status, refused["errcode"]), (403, "M_FORBIDDEN"))

    def test_a_non_admin_is_refused_by_admin_endpoints(self):
        status, body = self.server.register_with_shared_secret("plain", "pw-2", user_type="bot")
        self.assertEqual(status, 200, body)
        status, error = self.server.request(
            "GET", "/_synapse/admin/v1/users/@plain:localhost/admin", token=body["access_token"])
        self.assertEqual((status, error["errcode"]), (403, "M_FORBIDDEN"))

    def test_admin_flag_can_be_granted_and_revoked_but_not_by_oneself(self):
        admin = self.server.register_admin("boss")["access_token"]
        user = self.server.register_with_shared_secret("helper", "pw-3")[1]
        path = "/_synapse/admin/v1/users/@helper:localhost/admin"
        self.assertEqual(self.server.request("GET", path, token=user["access_token"])[0], 403)
        self.assertEqual(self.server.request("PUT", path, {"admin": True}, token=admin), (200, {}))
        # The change applies at once, to an already logged-in token.
        self.assertEqual(self.server.request("GET", path, token=user["access_token"]),
                         (200, {"admin": True}))
        self.assertEqual(self.server.request("PUT", path, {"admin": False}, token=admin),
                         (200, {}))
        self.assertEqual(self.server.request("GET", path, token=user["access_token"])[0], 403)
        status, error = self.server.request(
            "PUT", "/_synapse/admin/v1/users/@boss:localhost/admin", {"admin": False}, token=admin)
        self.assertEqual((status, error["errcode"]), (400, "M_UNKNOWN"))
        status, error = self.server.request(
            "GET", "/_synapse/admin/v1/users/@nobody:localhost/admin", token=admin)
        self.assertEqual((status, error["errcode"]), (404, "M_NOT_FOUND"))
        status, error = self.server.request(
            "GET", "/_synapse/admin/v1/users/@x:elsewhere.example/admin", token=admin)
        self.assertEqual(status, 400)
        status, error = self.server.request("PUT", path, {"admin": "yes"}, token=admin)
        self.assertEqual((status, error["errcode"]), (400, "M_BAD_JSON"))

    def test_a_wrong_mac_is_refused_and_spends_the_nonce(self):
        status, nonce = self.server.request("GET", "/_synapse/admin/v1/register")
        self.assertEqual(status, 200)
        body = {"nonce": nonce["nonce"], "username": "mallory", "password": "pw",
                "admin": True, "mac": "0" * 40}
        status, error = self.server.request("POST", "/_synapse/admin/v1/register", body)
        self.assertEqual((status, error["errcode"]), (403, "M_FORBIDDEN"))
        # The right MAC with the spent nonce no longer works: nonces are single-use.
        mac = hmac.new(self.server.shared_secret().encode(),
                       b"\x00".join([nonce["nonce"].encode(), b"mallory", b"pw", b"admin"]),
                       hashlib.sha1).hexdigest()
        body["mac"] = mac
        status, error = self.server.request("POST", "/_synapse/admin/v1/register", body)
        self.assertEqual((status, error["errcode"]), (400, "M_UNKNOWN"))
        # A MAC made with another secret is refused.
        status, error = self.server.register_with_shared_secret("mallory", "pw", admin=True,
                                                                secret="guess")
        self.assertEqual((status, error["errcode"]), (403, "M_FORBIDDEN"))
        # A taken name is refused after the MAC check.
        self.server.register_with_shared_secret("taken", "pw")
        status, error = self.server.register_with_shared_secret("taken", "pw")
        self.assertEqual((status, error["errcode"]), (400, "M_USER_IN_USE"))

    def test_bad_bodies(self):
        status, nonce = self.server.request("GET", "/_synapse/admin/v1/register")
        base = {"nonce": nonce["nonce"], "username": "u", "password": "p", "mac": "00"}
        for field in ("nonce", "username", "password", "mac"):
            body = dict(base)
            del body[field]
            status, error = self.server.request("POST", "/_synapse/admin/v1/register", body)
            self.assertEqual((status, error["errcode"]), (400, "M_MISSING_PARAM"), field)
        status, error = self.server.request("POST", "/_synapse/admin/v1/register",
                                            dict(base, user_type="wizard"))
        self.assertEqual((status, error["errcode"]), (400, "M_INVALID_PARAM"))
        status, error = self.server.request("POST", "/_synapse/admin/v1/register",
                                            dict(base, username="a\u0000b"))
        self.assertEqual((status, error["errcode"]), (400, "M_INVALID_PARAM"))
        status, error = self.server.request("POST", "/_synapse/admin/v1/register", b"{nope")
        self.assertEqual((status, error["errcode"]), (400, "M_NOT_JSON"))


class WithoutSharedSecretTest(unittest.TestCase):
    def test_disabled_when_no_secret_is_configured(self):
        server = harness.Homeserver(BINARY)
        with open(server.config_path) as f:
            text = f.read()
        with open(server.config_path, "w") as f:
            f.write(re.sub(r"(?m)^registration_shared_secret:.*$", 'registration_shared_secret: ""',
                           text))
        with server:
            status, error = server.request("GET", "/_synapse/admin/v1/register")
            self.assertEqual((status, error["errcode"]), (400, "M_UNKNOWN"))


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
