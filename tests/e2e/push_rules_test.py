#!/usr/bin/python3
"""Push rules and notification counts against the real `myelin serve`.

The push rules API (client-server API "Push Rules: API"): the full server-default rule set in
the spec's order, user rules placed with before/after, enabled and actions of user and
server-default rules, deletion, errors, and persistence across a restart. The rules reach
clients as m.push_rules global account data in /sync (also for users who never changed a
rule). The rules decide /sync's unread_notifications: notification_count counts a room-mate's
messages until the user's read receipt, highlight_count the ones that mention the user.

Usage: push_rules_test.py PATH_TO_MYELIN
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

MYELIN = harness.myelin_path()
V3 = "/_matrix/client/v3"
R0 = "/_matrix/client/r0"

# The spec's server-default rules ("Predefined Rules"), in the spec's order, plus the three
# legacy body-mention rules (.m.rule.contains_display_name, .m.rule.roomnotif,
# .m.rule.contains_user_name) at the places Synapse ships them, which clients still expect.
DEFAULT_OVERRIDE = [
    ".m.rule.master", ".m.rule.suppress_notices", ".m.rule.invite_for_me",
    ".m.rule.member_event", ".m.rule.is_user_mention", ".m.rule.contains_display_name",
    ".m.rule.is_room_mention", ".m.rule.roomnotif", ".m.rule.tombstone", ".m.rule.reaction",
    ".m.rule.room.server_acl", ".m.rule.suppress_edits",
]
DEFAULT_CONTENT = [".m.rule.contains_user_name"]
DEFAULT_UNDERRIDE = [
    ".m.rule.call", ".m.rule.encrypted_room_one_to_one", ".m.rule.room_one_to_one",
    ".m.rule.message", ".m.rule.encrypted",
]
LEGACY = {".m.rule.contains_display_name", ".m.rule.roomnotif", ".m.rule.contains_user_name"}
KINDS = ["override", "content", "room", "sender", "underride"]

server = None
alice = None
bob = None


def setUpModule():
    global server, alice, bob
    server = harness.Homeserver(MYELIN)
    with harness.closed_on_failure(server):
        server.start()
        alice = server.register("alice")
        bob = server.register("bob")


def tearDownModule():
    try:
        if server.alive():
            assert server.versions_ok(), "server no longer answers /versions"
        server.close()
    except BaseException:
        print(server.stderr_tail(), file=sys.stderr)
        raise


def ids(rules):
    return [r["rule_id"] for r in rules]


def rule_path(kind, rule_id, suffix="", scope="global", prefix=V3):
    return "%s/pushrules/%s/%s/%s%s" % (prefix, scope, kind, harness.quote(rule_id), suffix)


class PushRuleTestCase(unittest.TestCase):
    def setUp(self):
        server.revive()

    def call(self, method, path, body=None, user=None, expect=200):
        user = user or alice
        status, data = server.request(method, path, body, token=user["access_token"])
        self.assertEqual(status, expect, "%s %s → %s %r" % (method, path, status, data))
        return data

    def assertError(self, response, status, errcode):
        got_status, body = response
        self.assertEqual(got_status, status, body)
        self.assertIsInstance(body, dict, body)
        self.assertEqual(body.get("errcode"), errcode, body)

    def global_rules(self, user=None):
        return self.call("GET", V3 + "/pushrules/", user=user)["global"]

    def sync(self, user, since=None, timeout=0):
        path = V3 + "/sync?timeout=%d" % timeout
        if since:
            path += "&since=" + harness.quote(since)
        return self.call("GET", path, user=user)


class DefaultRules(PushRuleTestCase):
    def test_full_default_set_in_spec_order(self):
        carol = server.register("carol")
        rules = self.global_rules(carol)
        self.assertEqual(sorted(rules.keys()), sorted(KINDS))
        self.assertEqual(ids(rules["override"]), DEFAULT_OVERRIDE)
        self.assertEqual(ids(rules["content"]), DEFAULT_CONTENT)
        self.assertEqual(ids(rules["underride"]), DEFAULT_UNDERRIDE)
        self.assertEqual(rules["room"], [])
        self.assertEqual(rules["sender"], [])
        for kind in KINDS:
            for rule in rules[kind]:
                self.assertIs(rule["default"], True, rule)
                self.assertIsInstance(rule["actions"], list, rule)
                if kind in ("override", "underride"):
                    self.assertIsInstance(rule["conditions"], list, rule)
        by_id = {r["rule_id"]: r for r in rules["override"] + rules["underride"]}
        # Spec: .m.rule.master is disabled by default; every other default rule is enabled.
        self.assertIs(by_id[".m.rule.master"]["enabled"], False)
        self.assertEqual(by_id[".m.rule.master"]["actions"], [])
        self.assertIs(by_id[".m.rule.message"]["enabled"], True)
        self.assertEqual(by_id[".m.rule.message"]["actions"], ["notify"])
        # The user's own Matrix ID is substituted into the mention rule (spec example).
        self.assertEqual(by_id[".m.rule.is_user_mention"]["conditions"], [{
            "kind": "event_property_contains", "key": "content.m\\.mentions.user_ids",
            "value": carol["user_id"]}])
        self.assertIn({"set_tweak": "highlight"}, by_id[".m.rule.is_user_mention"]["actions"])
        self.assertEqual(by_id[".m.rule.invite_for_me"]["conditions"][2], {
            "kind": "event_match", "key": "state_key", "pattern": carol["user_id"]})
        self.assertEqual(rules["content"][0]["pattern"], "carol")
        self.assertEqual(by_id[".m.rule.room_one_to_one"]["conditions"][0],
                         {"kind": "room_member_count", "is": "2"})

    def test_scope_and_legacy_paths(self):
        everything = self.call("GET", V3 + "/pushrules/")
        self.assertEqual(self.call("GET", V3 + "/pushrules"), everything)
        self.assertEqual(self.call("GET", R0 + "/pushrules/"), everything)
        self.assertEqual(self.call("GET", V3 + "/pushrules/global/"), everything["global"])
        rule = self.call("GET", rule_path("override", ".m.rule.suppress_notices"))
        self.assertEqual(rule["rule_id"], ".m.rule.suppress_notices")
        self.assertEqual(rule["conditions"],
                         [{"kind": "event_match", "key": "content.msgtype", "pattern": "m.notice"}])
        self.assertEqual(self.call("GET", rule_path("underride", ".m.rule.message", "/enabled")),
                         {"enabled": True})
        self.assertEqual(self.call("GET", rule_path("underride", ".m.rule.message", "/actions",
                                                     prefix=R0)), {"actions": ["notify"]})

    def test_pushers_empty(self):
        self.assertEqual(self.call("GET", V3 + "/pushers"), {"pushers": []})


class UserRules(PushRuleTestCase):
    def test_content_rule_round_trip_and_update_keeps_enabled(self):
        self.call("PUT", rule_path("content", "nocake"),
                  {"pattern": "cake*lie", "actions": ["notify"]})
        rule = self.call("GET", rule_path("content", "nocake"))
        self.assertEqual(rule, {"rule_id": "nocake", "default": False, "enabled": True,
                                "pattern": "cake*lie", "actions": ["notify"]})
        # User rules of a kind come before the server-default ones (spec "Predefined Rules").
        self.assertEqual(ids(self.global_rules()["content"]),
                         ["nocake", ".m.rule.contains_user_name"])
        self.call("PUT", rule_path("content", "nocake", "/enabled"), {"enabled": False})
        self.call("PUT", rule_path("content", "nocake"),
                  {"pattern": "pie", "actions": ["notify", {"set_tweak": "sound",
                                                            "value": "default"}]})
        rule = self.call("GET", rule_path("content", "nocake"))
        self.assertEqual(rule["pattern"], "pie")
        self.assertIs(rule["enabled"], False, "an update keeps the rule's enabled flag")
        self.assertEqual(rule["actions"], ["notify", {"set_tweak": "sound", "value": "default"}])
        self.call("DELETE", rule_path("content", "nocake"))
        self.assertError(server.request("GET", rule_path("content", "nocake"),
                                        token=alice["access_token"]), 404, "M_NOT_FOUND")
        self.assertError(server.request("DELETE", rule_path("content", "nocake"),
                                        token=alice["access_token"]), 404, "M_NOT_FOUND")

    def test_before_and_after_place_rules(self):
        cond = [{"kind": "event_match", "key": "type", "pattern": "org.example.%s"}]

        def put(rule_id, query=""):
            body = {"actions": ["notify"],
                    "conditions": [dict(cond[0], pattern="org.example." + rule_id)]}
            self.call("PUT", rule_path("override", rule_id) + query, body)

        def cleanup():
            for rule_id in "abcdef":
                server.request("DELETE", rule_path("override", rule_id),
                               token=alice["access_token"])
        self.addCleanup(cleanup)
        put("a")
        put("b")  # no position: the most important user rule
        put("c", "?after=a")
        put("d", "?before=a")
        put("e", "?before=c&after=b")  # both: before wins (spec)
        override = ids(self.global_rules()["override"])
        # .m.rule.master stays ahead of every rule, user rules next, then the other defaults.
        self.assertEqual(override, [".m.rule.master", "b", "d", "a", "e", "c"] +
                         DEFAULT_OVERRIDE[1:])
        # Re-putting an existing rule without a position keeps its place.
        put("a")
        self.assertEqual(ids(self.global_rules()["override"])[:6],
                         [".m.rule.master", "b", "d", "a", "e", "c"])
        rule = self.call("GET", rule_path("override", "e"))
        self.assertEqual(rule["conditions"], [{"kind": "event_match", "key": "type",
                                               "pattern": "org.example.e"}])
        # Server-default rules cannot anchor a user rule; unknown ones neither.
        self.assertError(server.request("PUT", rule_path("override", "f") + "?before=nope",
                                        {"actions": []}, token=alice["access_token"]),
                         400, "M_UNKNOWN")
        self.assertError(
            server.request("PUT", rule_path("override", "f") + "?after=.m.rule.master",
                           {"actions": []}, token=alice["access_token"]), 400, "M_UNKNOWN")
        for rule_id in "abcde":
            self.call("DELETE", rule_path("override", rule_id))
        self.assertEqual(ids(self.global_rules()["override"]), DEFAULT_OVERRIDE)

    def test_room_and_sender_rules(self):
        room_id = "!someroom:localhost"
        self.call("PUT", rule_path("room", room_id), {"actions": []})
        self.call("PUT", rule_path("sender", bob["user_id"]), {"actions": ["notify"]})
        rules = self.global_rules()
        self.assertEqual(rules["room"], [{"rule_id": room_id, "default": False, "enabled": True,
                                          "actions": []}])
        self.assertEqual(ids(rules["sender"]), [bob["user_id"]])
        self.call("DELETE", rule_path("room", room_id))
        self.call("DELETE", rule_path("sender", bob["user_id"]))
        rules = self.global_rules()
        self.assertEqual(rules["room"], [])
        self.assertEqual(rules["sender"], [])

    def test_enable_and_actions_of_default_rules(self):
        self.call("PUT", rule_path("override", ".m.rule.master", "/enabled"), {"enabled": True})
        self.assertEqual(self.call("GET", rule_path("override", ".m.rule.master", "/enabled")),
                         {"enabled": True})
        self.call("PUT", rule_path("override", ".m.rule.master", "/enabled"), {"enabled": False})
        self.assertIs(self.call("GET", rule_path("override", ".m.rule.master"))["enabled"], False)

        actions = ["notify", {"set_tweak": "highlight", "value": False}]
        self.call("PUT", rule_path("underride", ".m.rule.message", "/actions"),
                  {"actions": actions})
        self.assertEqual(self.call("GET", rule_path("underride", ".m.rule.message", "/actions")),
                         {"actions": actions})
        rule = self.call("GET", rule_path("underride", ".m.rule.message"))
        self.assertIs(rule["default"], True)
        # The historical "dont_notify" is stripped (spec "Historical Actions").
        self.call("PUT", rule_path("underride", ".m.rule.message", "/actions"),
                  {"actions": ["dont_notify"]})
        self.assertEqual(self.call("GET", rule_path("underride", ".m.rule.message", "/actions")),
                         {"actions": []})
        self.call("PUT", rule_path("underride", ".m.rule.message", "/actions"),
                  {"actions": ["notify"]})
        # Default rules cannot be deleted.
        self.assertError(server.request("DELETE", rule_path("underride", ".m.rule.message"),
                                        token=alice["access_token"]), 404, "M_NOT_FOUND")

    def test_errors(self):
        token = alice["access_token"]
        # Unknown scope or kind: 400 M_UNRECOGNIZED, as Synapse answers.
        self.assertError(server.request("GET", rule_path("override", ".m.rule.master",
                                                         scope="device"), token=token),
                         400, "M_UNRECOGNIZED")
        self.assertError(server.request("GET", V3 + "/pushrules/device/", token=token),
                         400, "M_UNRECOGNIZED")
        self.assertError(server.request("PUT", rule_path("bogus", "x"), {"actions": []},
                                        token=token), 400, "M_UNRECOGNIZED")
        self.assertError(server.request("GET", rule_path("override", "nope"), token=token),
                         404, "M_NOT_FOUND")
        self.assertError(server.request("GET", rule_path("override", "nope", "/enabled"),
                                        token=token), 404, "M_NOT_FOUND")
        self.assertError(server.request("PUT", rule_path("override", "nope", "/enabled"),
                                        {"enabled": True}, token=token), 404, "M_NOT_FOUND")
        self.assertError(server.request("PUT", rule_path("override", "nope", "/actions"),
                                        {"actions": []}, token=token), 404, "M_NOT_FOUND")
        # Rule IDs starting with '.' are reserved for server-default rules (spec); '/' and '\'
        # are not allowed.
        self.assertError(server.request("PUT", rule_path("override", ".mine"), {"actions": []},
                                        token=token), 400, "M_INVALID_PARAM")
        self.assertError(server.request("PUT", rule_path("override", "back\\slash"),
                                        {"actions": []}, token=token), 400, "M_INVALID_PARAM")
        self.assertError(server.request("PUT", rule_path("override", "x"), {"conditions": []},
                                        token=token), 400, "M_BAD_JSON")
        self.assertError(server.request("PUT", rule_path("override", "x"), {"actions": "notify"},
                                        token=token), 400, "M_BAD_JSON")
        self.assertError(server.request("PUT", rule_path("override", "x"),
                                        {"actions": ["explode"]}, token=token),
                         400, "M_INVALID_PARAM")
        self.assertError(server.request("PUT", rule_path("content", "x"), {"actions": []},
                                        token=token), 400, "M_BAD_JSON")  # no pattern
        self.assertError(server.request("PUT", rule_path("override", "x"), b"{not json",
                                        token=token,
                                        headers={"Content-Type": "application/json"}),
                         400, "M_NOT_JSON")
        self.assertError(server.request("PUT", rule_path("override", ".m.rule.master", "/enabled"),
                                        {"enabled": "yes"}, token=token), 400, "M_BAD_JSON")
        self.assertError(server.request("GET", V3 + "/pushrules/"), 401, "M_MISSING_TOKEN")
        self.assertError(server.request("GET", rule_path("override", "x")), 401,
                         "M_MISSING_TOKEN")
        # Nothing above changed the rules.
        self.assertEqual(ids(self.global_rules()["override"]), DEFAULT_OVERRIDE)


class AccountData(PushRuleTestCase):
    def push_rules_events(self, body):
        return [e for e in body["account_data"]["events"] if e["type"] == "m.push_rules"]

    def test_initial_sync_has_default_rules(self):
        dave = server.register("dave")
        events = self.push_rules_events(self.sync(dave))
        self.assertEqual(len(events), 1, events)
        self.assertEqual(events[0]["content"], self.call("GET", V3 + "/pushrules/", user=dave))

    def test_change_reaches_sync_and_survives_restart(self):
        erin = server.register("erin")
        first = self.sync(erin)
        self.call("PUT", rule_path("content", "erinrule"), {"pattern": "kittens",
                                                            "actions": ["notify"]}, user=erin)
        later = self.sync(erin, since=first["next_batch"])
        events = self.push_rules_events(later)
        self.assertEqual(len(events), 1, later["account_data"])
        self.assertEqual(ids(events[0]["content"]["global"]["content"]),
                         ["erinrule", ".m.rule.contains_user_name"])
        # An incremental sync with no change carries no m.push_rules.
        again = self.sync(erin, since=later["next_batch"])
        self.assertEqual(self.push_rules_events(again), [])

        server.restart()
        rules = self.global_rules(erin)
        self.assertEqual(ids(rules["content"]), ["erinrule", ".m.rule.contains_user_name"])
        events = self.push_rules_events(self.sync(erin))
        self.assertEqual(len(events), 1)
        self.assertEqual(events[0]["content"]["global"], rules)
        self.call("DELETE", rule_path("content", "erinrule"), user=erin)


class NotificationCounts(PushRuleTestCase):
    @classmethod
    def setUpClass(cls):
        server.revive()
        cls.frank = server.register("frank")
        cls.gina = server.register("gina")
        status, room = server.request("POST", V3 + "/createRoom", {"preset": "private_chat",
                                      "invite": [cls.gina["user_id"]]},
                                      token=cls.frank["access_token"])
        assert status == 200, room
        cls.room_id = room["room_id"]
        status, body = server.request("POST", V3 + "/join/" + harness.quote(cls.room_id), {},
                                      token=cls.gina["access_token"])
        assert status == 200, body
        cls.txn = 0

    def send(self, user, content):
        NotificationCounts.txn += 1
        path = "%s/rooms/%s/send/m.room.message/t%d" % (V3, harness.quote(self.room_id),
                                                        NotificationCounts.txn)
        return self.call("PUT", path, content, user=user)["event_id"]

    def counts(self, user, since=None):
        body = self.sync(user, since=since)
        room = body["rooms"]["join"].get(self.room_id)
        self.assertIsNotNone(room, "room missing from sync: %r" % (body["rooms"],))
        unread = room["unread_notifications"]
        return (unread["notification_count"], unread["highlight_count"]), body["next_batch"]

    def receipt(self, user, event_id):
        return server.request("POST", "%s/rooms/%s/receipt/m.read/%s" % (
            V3, harness.quote(self.room_id), harness.quote(event_id)), {},
            token=user["access_token"])

    def test_counts_follow_rules_mentions_and_receipts(self):
        frank, gina = self.frank, self.gina
        self.assertEqual(self.counts(gina)[0], (0, 0))
        for i in range(3):
            self.send(frank, {"msgtype": "m.text", "body": "hello %d" % i})
        # Two members: .m.rule.room_one_to_one notifies, without highlight.
        self.assertEqual(self.counts(gina)[0], (3, 0))
        # The sender is never notified of their own messages.
        self.assertEqual(self.counts(frank)[0], (0, 0))

        # An intentional mention (m.mentions) highlights: .m.rule.is_user_mention.
        mention = self.send(frank, {"msgtype": "m.text", "body": "look here",
                                    "m.mentions": {"user_ids": [gina["user_id"]]}})
        self.assertEqual(self.counts(gina)[0], (4, 1))
        # A notice is suppressed by .m.rule.suppress_notices.
        self.send(frank, {"msgtype": "m.notice", "body": "bot says hi"})
        # A mention of someone else notifies but does not highlight.
        self.send(frank, {"msgtype": "m.text", "body": "hi frank",
                          "m.mentions": {"user_ids": [frank["user_id"]]}})
        counts, since = self.counts(gina)
        self.assertEqual(counts, (5, 1))

        # Muting the room with a room rule (actions []) stops the counting.
        self.call("PUT", rule_path("room", self.room_id), {"actions": []}, user=gina)
        self.send(frank, {"msgtype": "m.text", "body": "muted"})
        self.assertEqual(self.counts(gina)[0], (5, 1))
        self.call("DELETE", rule_path("room", self.room_id), user=gina)
        last = self.send(frank, {"msgtype": "m.text", "body": "unmuted"})
        self.assertEqual(self.counts(gina)[0], (6, 1))
        self.assertIsNotNone(mention)

        # @room (m.mentions.room) highlights only when the sender has the room's
        # notifications.room level (50 by default): frank created the room (100), gina has 0.
        self.send(frank, {"msgtype": "m.text", "body": "everyone!", "m.mentions": {"room": True}})
        self.assertEqual(self.counts(gina)[0], (7, 2))
        self.send(gina, {"msgtype": "m.text", "body": "everyone?", "m.mentions": {"room": True}})
        self.assertEqual(self.counts(frank)[0], (1, 0))
        # Without m.mentions, the legacy rules still highlight the user's display name and
        # localpart in the body (.m.rule.contains_display_name, .m.rule.contains_user_name).
        self.call("PUT", "%s/rooms/%s/state/m.room.member/%s" % (
            V3, harness.quote(self.room_id), harness.quote(gina["user_id"])),
            {"membership": "join", "displayname": "Gina Lollo"}, user=gina)
        self.send(frank, {"msgtype": "m.text", "body": "thanks Gina Lollo!"})
        self.assertEqual(self.counts(gina)[0], (8, 3))
        last = self.send(frank, {"msgtype": "m.text", "body": "ping gina"})
        self.assertEqual(self.counts(gina)[0], (9, 4))

        # A read receipt on the latest event resets both counts.
        status, body = self.receipt(gina, last)
        self.assertEqual(status, 200, body)
        counts, _ = self.counts(gina, since=since)
        self.assertEqual(counts, (0, 0))
        self.assertEqual(self.counts(gina)[0], (0, 0))
        # Later messages count again from the receipt.
        first = self.send(frank, {"msgtype": "m.text", "body": "after the receipt"})
        self.assertEqual(self.counts(gina)[0], (1, 0))
        self.send(frank, {"msgtype": "m.text", "body": "and another",
                          "m.mentions": {"user_ids": [gina["user_id"]]}})
        self.assertEqual(self.counts(gina)[0], (2, 1))
        # A private read receipt counts as read too; only the events after it stay unread.
        status, body = server.request("POST", "%s/rooms/%s/receipt/m.read.private/%s" % (
            V3, harness.quote(self.room_id), harness.quote(first)), {},
            token=gina["access_token"])
        self.assertEqual(status, 200, body)
        self.assertEqual(self.counts(gina)[0], (1, 1))


if __name__ == "__main__":
    unittest.main(verbosity=2)
