"""Pushers (spec "Push notifications": GET /pushers, POST /pushers/set) against the real binary,
and the admin API's view of them. Sending notifications through them is not tested here: push
delivery arrives with its own issue."""
import sys
import unittest

import harness
from harness import quote

BINARY = harness.myelin_path()
V3 = "/_matrix/client/v3"
GATEWAY = "https://push.example.org/_matrix/push/v1/notify"


def http_pusher(pushkey, app_id="org.example.app", **extra):
    pusher = {"kind": "http", "app_id": app_id, "pushkey": pushkey, "app_display_name": "App",
              "device_display_name": "Phone", "lang": "en",
              "data": {"url": GATEWAY, "format": "event_id_only", "custom": 1}}
    pusher.update(extra)
    return pusher


class PushersTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Homeserver(BINARY)
        cls.server.start()
        cls.admin = cls.server.register_admin("root")["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def call(self, method, path, body=None, token=None, expect=200):
        status, data = self.server.request(method, V3 + path, body, token)
        self.assertEqual(status, expect, "%s %s -> %s %r" % (method, path, status, data))
        return data

    def pushers(self, token):
        return self.call("GET", "/pushers", token=token)["pushers"]

    def test_set_list_replace_and_delete(self):
        token = self.server.register("anna")["access_token"]
        self.assertEqual(self.pushers(token), [])
        self.call("POST", "/pushers/set", http_pusher("key-1", profile_tag="tag"), token)
        listed = self.pushers(token)
        self.assertEqual(listed, [{
            "pushkey": "key-1", "kind": "http", "app_id": "org.example.app",
            "app_display_name": "App", "device_display_name": "Phone", "lang": "en",
            "profile_tag": "tag",
            "data": {"url": GATEWAY, "format": "event_id_only", "custom": 1}}])
        # The same app_id and pushkey replace it.
        self.call("POST", "/pushers/set", http_pusher("key-1", lang="de"), token)
        self.assertEqual([p["lang"] for p in self.pushers(token)], ["de"])
        self.call("POST", "/pushers/set", http_pusher("key-2"), token)
        self.assertEqual(sorted(p["pushkey"] for p in self.pushers(token)), ["key-1", "key-2"])
        # kind null deletes.
        self.call("POST", "/pushers/set",
                  {"kind": None, "app_id": "org.example.app", "pushkey": "key-1"}, token)
        self.assertEqual([p["pushkey"] for p in self.pushers(token)], ["key-2"])
        # Admins see the same list, with a total.
        admin_view = self.server.request(
            "GET", "/_synapse/admin/v1/users/%s/pushers" % quote("@anna:localhost"),
            token=self.admin)
        self.assertEqual(admin_view, (200, {"pushers": self.pushers(token), "total": 1}))

    def test_append_and_other_users(self):
        first = self.server.register("bert")["access_token"]
        second = self.server.register("carla")["access_token"]
        self.call("POST", "/pushers/set", http_pusher("shared"), first)
        self.call("POST", "/pushers/set", http_pusher("shared", append=True), second)
        self.assertEqual(len(self.pushers(first)), 1)
        self.assertEqual(len(self.pushers(second)), 1)
        # Without append, the pushkey leaves every other user.
        self.call("POST", "/pushers/set", http_pusher("shared"), second)
        self.assertEqual(self.pushers(first), [])
        self.assertEqual(len(self.pushers(second)), 1)

    def test_logging_out_removes_the_devices_pushers(self):
        user = self.server.register("dora")
        self.call("POST", "/pushers/set", http_pusher("phone"), user["access_token"])
        status, login = self.server.request("POST", V3 + "/login", {
            "type": "m.login.password", "identifier": {"type": "m.id.user", "user": "dora"},
            "password": "correct horse battery staple"})
        self.assertEqual(status, 200, login)
        self.call("POST", "/pushers/set", http_pusher("laptop"), login["access_token"])
        self.call("POST", "/logout", {}, user["access_token"])
        self.assertEqual([p["pushkey"] for p in self.pushers(login["access_token"])], ["laptop"])

    def test_refusals(self):
        token = self.server.register("emil")["access_token"]
        cases = [
            ({"app_id": "a", "pushkey": "k"}, "M_MISSING_PARAM"),
            (http_pusher("k", data={"format": "event_id_only"}), "M_MISSING_PARAM"),
            (http_pusher("k", data={"url": "https://push.example.org/other"}), "M_INVALID_PARAM"),
            (http_pusher("k", data={"url": 7}), "M_INVALID_PARAM"),
            (http_pusher("k", kind="carrier-pigeon"), "M_INVALID_PARAM"),
            (http_pusher("x" * 513), "M_INVALID_PARAM"),
            (http_pusher("k", app_id="a" * 65), "M_INVALID_PARAM"),
            ({k: v for k, v in http_pusher("k").items() if k != "lang"}, "M_MISSING_PARAM"),
            (http_pusher("k", kind=5), "M_BAD_JSON"),
            # An e-mail pusher needs one of the user's own verified addresses.
            (http_pusher("emil@example.org", kind="email", app_id="m.email"),
             "M_THREEPID_NOT_FOUND"),
        ]
        for body, errcode in cases:
            status, error = self.server.request("POST", V3 + "/pushers/set", body, token)
            self.assertEqual((status, error.get("errcode")), (400, errcode), body)
        self.assertEqual(self.pushers(token), [])
        status, error = self.server.request("POST", V3 + "/pushers/set", http_pusher("k"))
        self.assertEqual((status, error["errcode"]), (401, "M_MISSING_TOKEN"))


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
