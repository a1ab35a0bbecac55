"""A small reference for event hashing, redaction, IDs and signing, written from the spec.

Server-server API "Calculating the content hash for an event", "Calculating the reference hash
for an event", "Adding hashes and signatures to outgoing events"; rooms/vN "Redactions" (fragments
v1, v6, v9, v11; v8 adds join_rules "allow") and "Event IDs" (v3: base64, v4+: URL-safe base64).
"""

import copy
import hashlib

from canonicaljson import encode_canonical_json
from signedjson.sign import sign_json
from unpaddedbase64 import encode_base64

_TOP_V1 = {"event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures",
           "depth", "prev_events", "prev_state", "auth_events", "origin", "origin_server_ts",
           "membership"}
_TOP_V11 = _TOP_V1 - {"prev_state", "origin", "membership"}


def redaction_rules(version):
    """(rules name, protected top-level keys) for a room version "1".."12"."""
    n = int(version)
    if n <= 5:
        return "v1", _TOP_V1
    if n <= 7:
        return "v6", _TOP_V1
    if n == 8:
        return "v8", _TOP_V1
    if n <= 10:
        return "v9", _TOP_V1
    return "v11", _TOP_V11


def redact(event, version):
    rules, top = redaction_rules(version)
    out = {k: copy.deepcopy(v) for k, v in event.items() if k in top}
    content = event.get("content")
    content = content if isinstance(content, dict) else {}
    kind = event.get("type")
    keep = set()
    if kind == "m.room.member":
        keep = {"membership"}
        if rules in ("v9", "v11"):
            keep.add("join_authorised_via_users_server")
    elif kind == "m.room.create":
        keep = set(content) if rules == "v11" else {"creator"}
    elif kind == "m.room.join_rules":
        keep = {"join_rule"} | ({"allow"} if rules in ("v8", "v9", "v11") else set())
    elif kind == "m.room.power_levels":
        keep = {"ban", "events", "events_default", "kick", "redact", "state_default", "users",
                "users_default"} | ({"invite"} if rules == "v11" else set())
    elif kind == "m.room.aliases" and rules == "v1":
        keep = {"aliases"}
    elif kind == "m.room.history_visibility":
        keep = {"history_visibility"}
    elif kind == "m.room.redaction" and rules == "v11":
        keep = {"redacts"}
    new_content = {k: copy.deepcopy(v) for k, v in content.items() if k in keep}
    if kind == "m.room.member" and rules == "v11":
        tpi = content.get("third_party_invite")
        if isinstance(tpi, dict):  # kept as {} without "signed", as Synapse's prune_event does
            new_content["third_party_invite"] = (
                {"signed": copy.deepcopy(tpi["signed"])} if "signed" in tpi else {})
    out["content"] = new_content
    return out


def content_hash(event):
    e = {k: v for k, v in event.items() if k not in ("unsigned", "signatures", "hashes")}
    return hashlib.sha256(encode_canonical_json(e)).digest()


def reference_hash(event, version):
    e = redact(event, version)
    e.pop("signatures", None)
    e.pop("unsigned", None)
    return hashlib.sha256(encode_canonical_json(e)).digest()


def event_id(event, version):
    n = int(version)
    if n <= 2:
        return event.get("event_id")
    h = encode_base64(reference_hash(event, version))
    if n >= 4:
        h = h.replace("+", "-").replace("/", "_")
    return "$" + h


def sign_event(event, server, key, version):
    e = copy.deepcopy(event)
    hashes = e.get("hashes")
    if not isinstance(hashes, dict):
        hashes = e["hashes"] = {}
    hashes["sha256"] = encode_base64(content_hash(e))
    signed = sign_json(redact(e, version), server, key)
    e["signatures"] = signed["signatures"]
    return e


def server_of(identifier):
    """The server name of a user or event ID: everything after the first ':'."""
    return identifier.split(":", 1)[1] if isinstance(identifier, str) and ":" in identifier else None


def required_servers(event, version):
    """Servers that must have signed (server-server API "Validating hashes and signatures on
    received events"): the sender's, unless the event is an invite made from a third-party invite;
    in v1-v2 the event ID's; from v8, the server of content.join_authorised_via_users_server on a
    join."""
    n = int(version)
    content = event.get("content") if isinstance(event.get("content"), dict) else {}
    member = event.get("type") == "m.room.member"
    servers = set()
    if not (member and content.get("membership") == "invite" and "third_party_invite" in content):
        servers.add(server_of(event.get("sender")))
    if n <= 2:
        servers.add(server_of(event.get("event_id")))
    authoriser = content.get("join_authorised_via_users_server")
    if n >= 8 and member and content.get("membership") == "join" and isinstance(authoriser, str):
        servers.add(server_of(authoriser))
    servers.discard(None)
    return sorted(servers)


def verify_event(event, version, keys, verify):
    """Whether every required server signed the redacted event with at least one key in keys
    ({server: {key_id: VerifyKey}}), all of its known ed25519 keys verifying. verify(obj, server,
    key) raises on a bad signature (signedjson.sign.verify_signed_json)."""
    redacted = redact(event, version)
    for server in required_servers(event, version):
        sigs = event.get("signatures", {}).get(server, {})
        known = [k for k in sigs if k.startswith("ed25519:") and k in keys.get(server, {})]
        if not known:
            return False
        for key_id in known:
            try:
                verify(redacted, server, keys[server][key_id])
            except Exception:
                return False
    return True
