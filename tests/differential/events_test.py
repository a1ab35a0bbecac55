"""Differential test: myelin's event hashing, redaction, event IDs and signing against a Python
reference written from the spec (event_reference.py, hashlib + canonicaljson + signedjson).

Thousands of seeded random events of every room version: state and message events of the types
the redaction rules single out, with extra top-level and content keys that must be stripped.
Well-formed events must also pass Pdu::parse with the same event ID.

Usage: events_test.py PATH_TO_myelin_vector_tool [SEED] [COUNT]
"""

import copy
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from canonicaljson import encode_canonical_json  # noqa: E402
from signedjson.key import decode_signing_key_base64  # noqa: E402
from unpaddedbase64 import encode_base64  # noqa: E402

import event_reference as ref  # noqa: E402
import random_json  # noqa: E402
import vector_tool  # noqa: E402

VERSIONS = [str(n) for n in range(1, 13)]
SERVERS = ["example.org", "matrix.org", "x.example:8448", "[::1]", "1.2.3.4:80"]


class EventGen:
    def __init__(self, seed):
        self.j = random_json.RandomJson(seed)
        self.r = self.j.rng

    def ident(self, sigil):
        r = self.r
        local = "".join(r.choice("abcdefghijklmnopqrstuvwxyz0123456789._=-") for _ in range(r.randint(1, 12)))
        return sigil + local + ":" + r.choice(SERVERS)

    def room_id(self, version):
        if int(version) >= 12:  # the create event's reference hash, no server (rooms/v12)
            return "!" + encode_base64(bytes(self.r.getrandbits(8) for _ in range(32)), urlsafe=True)
        return self.ident("!")

    def event_ref(self, version):
        r = self.r
        if int(version) <= 2:
            return self.ident("$")
        return "$" + encode_base64(bytes(r.getrandbits(8) for _ in range(32)), urlsafe=int(version) >= 4)

    def content(self, kind):
        r, j = self.r, self.j
        c = {}
        if kind == "m.room.member":
            c["membership"] = r.choice(["join", "leave", "invite", "ban", "knock"])
            if r.random() < 0.3:
                c["join_authorised_via_users_server"] = self.ident("@")
            if r.random() < 0.3:
                tpi = {"display_name": j.string()}
                if r.random() < 0.8:
                    tpi["signed"] = {"mxid": self.ident("@"), "token": j.string(),
                                     "signatures": {"x": {"ed25519:0": "abc"}}}
                c["third_party_invite"] = tpi
            c["displayname"] = j.string()
        elif kind == "m.room.create":
            c["creator"] = self.ident("@")
            c["room_version"] = r.choice(VERSIONS)
            c["m.federate"] = r.random() < 0.5
        elif kind == "m.room.join_rules":
            c["join_rule"] = r.choice(["public", "invite", "restricted", "knock"])
            c["allow"] = [{"type": "m.room_membership", "room_id": self.ident("!")}]
        elif kind == "m.room.power_levels":
            for k in ("ban", "events_default", "invite", "kick", "redact", "state_default",
                      "users_default"):
                if r.random() < 0.7:
                    c[k] = r.randint(0, 100)
            c["events"] = {"m.room.name": 50}
            c["users"] = {self.ident("@"): 100}
            c["notifications"] = {"room": 50}
            c["historical"] = 100
        elif kind == "m.room.aliases":
            c["aliases"] = [self.ident("#")]
        elif kind == "m.room.history_visibility":
            c["history_visibility"] = r.choice(["shared", "joined", "invited", "world_readable"])
        elif kind == "m.room.redaction":
            c["redacts"] = self.ident("$")
            c["reason"] = j.string()
        else:
            c["body"] = j.string(40)
        for _ in range(r.randint(0, 3)):  # keys no redaction algorithm protects
            c[j.string(6)] = j.value(1, 3, floats=False)
        return c

    def event(self, version, messy):
        r, j = self.r, self.j
        kind = r.choice(["m.room.member", "m.room.create", "m.room.join_rules",
                         "m.room.power_levels", "m.room.aliases", "m.room.history_visibility",
                         "m.room.redaction", "m.room.message", "m.room.topic", "org.example.custom"])
        n = int(version)
        e = {"type": kind, "sender": self.ident("@"), "content": self.content(kind),
             "depth": r.randint(1, 2**40), "origin_server_ts": r.randint(0, 2**45),
             "room_id": self.room_id(version),
             "auth_events": [self.event_ref(version) for _ in range(r.randint(0, 4))],
             "prev_events": [self.event_ref(version) for _ in range(r.randint(1, 3))],
             "hashes": {"sha256": encode_base64(bytes(r.getrandbits(8) for _ in range(32)))}}
        if kind.startswith("m.room.") and kind not in ("m.room.message", "m.room.redaction"):
            e["state_key"] = e["sender"] if kind == "m.room.member" else ""
        if kind == "m.room.create":
            e["prev_events"], e["auth_events"] = [], []
            if n >= 12:
                del e["room_id"]
        if kind == "m.room.redaction" and n < 11:
            e["redacts"] = self.ident("$")
        if n <= 2:
            e["event_id"] = self.ident("$")
            e["prev_events"] = [[i, {"sha256": "abc"}] for i in e["prev_events"]]
            e["auth_events"] = [[i, {"sha256": "abc"}] for i in e["auth_events"]]
        if r.random() < 0.5:
            e["unsigned"] = {"age": r.randint(0, 1000), "transaction_id": j.string()}
        if r.random() < 0.3:
            e["signatures"] = {r.choice(SERVERS): {"ed25519:a": encode_base64(bytes(64))}}
        if messy:  # fields no redaction algorithm keeps, and legacy ones only some keep
            e["origin"] = r.choice(SERVERS)
            e["membership"] = "join"
            e["prev_state"] = []
            for _ in range(r.randint(1, 3)):
                e[j.string(6) + "_x"] = j.value(1, 3, floats=False)
        return e


def check_equal(what, i, event, version, expected, got):
    if expected != got:
        vector_tool.fail("%s of event %d (room version %s) differs\n  event: %s\n%s" % (
            what, i, version, encode_canonical_json(event).decode(),
            vector_tool.first_difference(expected, got)))


REQUIRED = ["sender", "origin_server_ts", "type", "content", "depth", "hashes", "auth_events",
            "prev_events", "room_id"]  # definitions/pdu_v*.yaml and components/


def format_mutations(gen, version, event):
    """(label, mutated event, must_parse) from spec limits: required keys, types, the 20/10
    prev/auth event limits, the 65,536-byte PDU limit, 255-byte identifiers, and canonical JSON
    integers from v6 (rooms/v6 "Canonical JSON")."""
    r = gen.r
    n = int(version)
    out = []
    present = [k for k in REQUIRED + (["event_id"] if n <= 2 else []) if k in event]
    key = r.choice(present)
    e = copy.deepcopy(event)
    del e[key]
    out.append(("without " + key, e, False))
    e = copy.deepcopy(event)
    e["type"] = r.randint(0, 9)
    out.append(("integer type", e, False))
    if event["type"] != "m.room.create":
        e = copy.deepcopy(event)
        one = e["prev_events"][0] if e["prev_events"] else gen.event_ref(version)
        e["prev_events"] = [one] * 21
        out.append(("21 prev_events", e, False))
        e = copy.deepcopy(event)
        e["auth_events"] = [one] * 11
        out.append(("11 auth_events", e, False))
    e = copy.deepcopy(event)
    e["content"]["padding"] = "x" * 65536
    out.append(("over 65,536 bytes", e, False))
    e = copy.deepcopy(event)
    e["sender"] = "@" + "a" * 255 + ":example.org"
    out.append(("sender over 255 bytes", e, False))
    if "room_id" in event:  # rooms/v12: hash room IDs without a server; before: !opaque:server
        e = copy.deepcopy(event)
        e["room_id"] = gen.room_id("11" if n >= 12 else "12")
        out.append(("room ID of the other versions' form", e, False))
    e = copy.deepcopy(event)
    e["content"]["big"] = 2**53
    out.append(("content integer 2^53", e, n < 6))
    e = copy.deepcopy(event)
    e["unsigned"] = {"age": r.randint(0, 99)}
    out.append(("unsigned replaced", e, True))
    return out


def check_format_mutations(tool, gen, events):
    cases = []
    for version, event in events:
        for label, e, must_parse in format_mutations(gen, version, event):
            cases.append((label, version, e, must_parse, event))
    answers = vector_tool.run(tool, [{"op": "pdu_parse", "room_version": v, "event": e}
                                     for _, v, e, _, _ in cases])
    for (label, version, e, must_parse, original), a in zip(cases, answers):
        if not a.get("ok"):
            vector_tool.fail("pdu_parse request failed: %s" % a.get("error"))
        if a["valid"] != must_parse:
            vector_tool.fail("Pdu::parse %s an event with %s (room version %s): %s\n  event: %s" % (
                "accepted" if a["valid"] else "rejected", label, version, a["reason"],
                encode_canonical_json(e).decode()[:2000]))
        if must_parse and a["event_id"] != ref.event_id(e, version):
            vector_tool.fail("Pdu::parse event ID of %s differs" % label)
    return len(cases)


def main():
    tool = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 20240613
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
    gen = EventGen(seed)
    r = gen.r
    seed_b64 = encode_base64(bytes(r.getrandbits(8) for _ in range(32)))
    key = decode_signing_key_base64("ed25519", "k1", seed_b64)

    cases = []
    for i in range(count):
        version = VERSIONS[i % len(VERSIONS)]
        # Alternate tidy and messy events per round of versions, so every version gets both.
        cases.append((version, gen.event(version, messy=((i // len(VERSIONS)) % 2 == 1))))

    requests = []
    for version, e in cases:
        requests += [{"op": "content_hash", "event": e},
                     {"op": "reference_hash", "room_version": version, "event": e},
                     {"op": "event_id", "room_version": version, "event": e},
                     {"op": "redact", "room_version": version, "event": e},
                     {"op": "sign_event", "room_version": version, "seed": seed_b64,
                      "version": "k1", "server": "example.org", "event": e}]
    answers = vector_tool.run(tool, requests)
    signed_events = []
    for i, (version, e) in enumerate(cases):
        a = answers[5 * i:5 * i + 5]
        for x in a:
            if not x.get("ok"):
                vector_tool.fail("event %d (v%s): %s\n  event: %r" % (i, version, x.get("error"), e))
        check_equal("content hash", i, e, version,
                    encode_base64(ref.content_hash(e)).encode(), a[0]["hash"].encode())
        check_equal("reference hash", i, e, version,
                    encode_base64(ref.reference_hash(e, version)).encode(), a[1]["hash"].encode())
        check_equal("event ID", i, e, version, ref.event_id(e, version).encode(),
                    a[2]["event_id"].encode())
        check_equal("redaction", i, e, version, encode_canonical_json(ref.redact(e, version)),
                    encode_canonical_json(a[3]["redacted"]))
        check_equal("signed event", i, e, version,
                    encode_canonical_json(ref.sign_event(e, "example.org", key, version)),
                    encode_canonical_json(a[4]["signed"]))
        signed_events.append(a[4]["signed"])

    # Well-formed (non-messy) signed events must parse, with the reference's event ID.
    parse_cases = [(i, v, s) for i, ((v, _), s) in enumerate(zip(cases, signed_events))
                   if (i // len(VERSIONS)) % 2 == 0]
    if {v for _, v, _ in parse_cases} != set(VERSIONS):
        vector_tool.fail("test bug: well-formed events do not cover every room version")
    answers = vector_tool.run(tool, [{"op": "pdu_parse", "room_version": v, "event": s}
                                     for _, v, s in parse_cases])
    for (i, version, s), a in zip(parse_cases, answers):
        if not a.get("ok") or not a["valid"]:
            vector_tool.fail("Pdu::parse rejected well-formed event %d (v%s): %s\n  event: %s" % (
                i, version, a.get("reason") or a.get("error"), encode_canonical_json(s).decode()))
        check_equal("Pdu::parse event ID", i, s, version, ref.event_id(s, version).encode(),
                    a["event_id"].encode())

    mutations = check_format_mutations(tool, gen, [(v, s) for _, v, s in parse_cases])

    print("events: %d events over room versions 1-12: content hashes, reference hashes, event IDs, "
          "redactions and signatures identical to the reference; %d parsed, %d format mutations judged "
          "as the spec says (seed %d)" % (len(cases), len(parse_cases), mutations, seed))


if __name__ == "__main__":
    main()
