"""Differential test: myelin's event signature and content hash checks against the Python
reference (event_reference.py with signedjson), on events signed by every server they need and on
tampered copies (protected and unprotected fields changed, signatures removed, unknown keys and
algorithms added).

Usage: event_signatures_test.py PATH_TO_myelin_vector_tool [SEED] [COUNT]
"""

import copy
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from canonicaljson import encode_canonical_json  # noqa: E402
from signedjson.key import decode_signing_key_base64, get_verify_key  # noqa: E402
from signedjson.sign import verify_signed_json  # noqa: E402
from unpaddedbase64 import encode_base64  # noqa: E402

import event_reference as ref  # noqa: E402
import events_test  # noqa: E402
import vector_tool  # noqa: E402


def tampered(gen, event):
    r = gen.r
    out = [("as signed", event)]
    e = copy.deepcopy(event)
    e["content"]["unprotected_" + gen.j.string(4)] = gen.j.string()
    out.append(("unprotected content key added", e))
    e = copy.deepcopy(event)
    e["depth"] += 1
    out.append(("depth changed", e))
    e = copy.deepcopy(event)
    e["origin_server_ts"] += 1
    out.append(("origin_server_ts changed", e))
    e = copy.deepcopy(event)
    e["unsigned"] = {"age": 1}
    out.append(("unsigned changed", e))
    servers = list(event.get("signatures", {}))
    if servers:
        e = copy.deepcopy(event)
        del e["signatures"][r.choice(servers)]
        out.append(("one server's signatures removed", e))
        e = copy.deepcopy(event)
        server = r.choice(servers)
        e["signatures"][server]["ed25519:unknown"] = encode_base64(bytes(64))
        e["signatures"][server]["curve25519:k1"] = encode_base64(bytes(64))
        out.append(("unknown key and algorithm added", e))
        e = copy.deepcopy(event)
        sig = e["signatures"][server]["ed25519:k1"]
        e["signatures"][server]["ed25519:k1"] = ("A" if sig[0] != "A" else "B") + sig[1:]
        out.append(("signature damaged", e))
    e = copy.deepcopy(event)
    e.pop("signatures", None)
    out.append(("no signatures", e))
    return out


def main():
    tool = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 20240614
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 1500
    gen = events_test.EventGen(seed)
    r = gen.r

    signing, public, verify_keys = {}, {}, {}
    for server in events_test.SERVERS:
        seed_b64 = encode_base64(bytes(r.getrandbits(8) for _ in range(32)))
        signing[server] = decode_signing_key_base64("ed25519", "k1", seed_b64)
        public[server] = {"ed25519:k1": encode_base64(get_verify_key(signing[server]).encode())}
        verify_keys[server] = {"ed25519:k1": get_verify_key(signing[server])}

    cases = []
    for i in range(count):
        version = events_test.VERSIONS[i % len(events_test.VERSIONS)]
        event = gen.event(version, messy=(i % 3 == 0))
        event.pop("signatures", None)
        # Sign as every server the reference requires, and sometimes as a bystander too.
        signers = ref.required_servers(event, version)
        if r.random() < 0.2:
            signers.append(r.choice(events_test.SERVERS))
        for server in signers:
            event = ref.sign_event(event, server, signing[server], version)
        if r.random() < 0.2:  # a content hash that no longer matches
            event["content"]["late"] = True
        for label, e in tampered(gen, event):
            cases.append((label, version, e))

    requests = []
    for _, version, e in cases:
        requests.append({"op": "verify_event", "room_version": version, "event": e, "keys": public})
        requests.append({"op": "check_content_hash", "event": e})
    answers = vector_tool.run(tool, requests)
    valid = 0
    for n, (label, version, e) in enumerate(cases):
        sig_answer, hash_answer = answers[2 * n], answers[2 * n + 1]
        if not sig_answer.get("ok") or not hash_answer.get("ok"):
            vector_tool.fail("request failed: %s %s" % (sig_answer.get("error"), hash_answer.get("error")))
        expected = ref.verify_event(e, version, verify_keys, verify_signed_json)
        if sig_answer["valid"] != expected:
            vector_tool.fail("signatures of event (%s, room version %s): myelin says %s (%s), "
                             "reference says %s\n  required: %s\n  event: %s" % (
                                 label, version, sig_answer["valid"], sig_answer["reason"], expected,
                                 ref.required_servers(e, version), encode_canonical_json(e).decode()))
        hashes = e.get("hashes")
        expected_hash = (isinstance(hashes, dict) and
                         hashes.get("sha256") == encode_base64(ref.content_hash(e)))
        if hash_answer["valid"] != expected_hash:
            vector_tool.fail("content hash check (%s): myelin says %s (%s), reference says %s\n"
                             "  event: %s" % (label, hash_answer["valid"], hash_answer["reason"],
                                              expected_hash, encode_canonical_json(e).decode()))
        valid += expected

    print("event signatures: %d events, %d signature checks (%d valid) and content hash checks "
          "agree with the reference (seed %d)" % (count, len(cases), valid, seed))


if __name__ == "__main__":
    main()
