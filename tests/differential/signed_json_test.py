"""Differential test: myelin's JSON signing and verification against python3-signedjson.

Seeded random keys, entities and objects (some already signed by others, some with "unsigned").
Signing with the same seed must give byte-identical canonical JSON to signedjson.sign.sign_json
(ed25519 is deterministic), and verification of the signed objects and of tampered copies must
agree with signedjson.sign.verify_signed_json.

Usage: signed_json_test.py PATH_TO_myelin_vector_tool [SEED] [COUNT]
"""

import base64
import copy
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from canonicaljson import encode_canonical_json  # noqa: E402
from signedjson.key import decode_signing_key_base64, decode_verify_key_bytes, get_verify_key  # noqa: E402
from signedjson.sign import SignatureVerifyException, sign_json, verify_signed_json  # noqa: E402
from unpaddedbase64 import decode_base64, encode_base64  # noqa: E402

import random_json  # noqa: E402
import vector_tool  # noqa: E402

VERSION_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"


def python_verifies(obj, entity, verify_key):
    try:
        verify_signed_json(copy.deepcopy(obj), entity, verify_key)
        return True
    except SignatureVerifyException:
        return False


class Case:
    def __init__(self, gen, i):
        r = gen.rng
        self.seed = encode_base64(bytes(r.getrandbits(8) for _ in range(32)))
        self.version = "".join(r.choice(VERSION_CHARS) for _ in range(r.randint(1, 8)))
        self.entity = r.choice(["example.org", "matrix.org:8448", "@alice:example.org",
                                "[::1]:8448", gen.string(10)])
        self.key = decode_signing_key_base64("ed25519", self.version, self.seed)
        self.verify_key = get_verify_key(self.key)
        self.value = gen.value(floats=(i % 4 == 0))
        if r.random() < 0.3:  # already signed by someone else, or by this entity with another key
            other = "other.example" if r.random() < 0.5 else self.entity
            self.value["signatures"] = {other: {"ed25519:old": "c2lnbmF0dXJl"}}
        if r.random() < 0.3:
            self.value["unsigned"] = {"age": r.randint(0, 10**6), "note": gen.string()}

    def sign_request(self):
        return {"op": "sign", "seed": self.seed, "version": self.version, "entity": self.entity,
                "value": self.value}


def tampered(gen, case, signed):
    """Copies of a signed object that signedjson accepts or rejects, labelled for messages."""
    r = gen.rng
    key_id = "ed25519:" + case.version
    out = [("untouched", signed)]
    v = copy.deepcopy(signed)
    v["unsigned"] = {"changed": gen.string()}
    out.append(("unsigned changed", v))
    v = copy.deepcopy(signed)
    v[gen.string(6) + "x"] = gen.value(1, 3)
    out.append(("member added", v))
    plain = [k for k in signed if k not in ("signatures", "unsigned")]
    if plain:
        v = copy.deepcopy(signed)
        del v[r.choice(plain)]
        out.append(("member removed", v))
    sig = signed["signatures"][case.entity][key_id]
    pos = r.randrange(len(sig))  # the last character also carries 4 ignored padding bits
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    v = copy.deepcopy(signed)
    v["signatures"][case.entity][key_id] = sig[:pos] + r.choice(alphabet) + sig[pos + 1:]
    out.append(("signature character %d replaced" % pos, v))
    v = copy.deepcopy(signed)
    v["signatures"][case.entity][key_id] = sig[:-1] + alphabet[(alphabet.index(sig[-1]) ^ 1)]
    out.append(("signature padding bit flipped", v))
    v = copy.deepcopy(signed)
    v["signatures"][case.entity][key_id] = sig[:-2]
    out.append(("signature truncated", v))
    v = copy.deepcopy(signed)
    del v["signatures"][case.entity][key_id]
    out.append(("signature removed", v))
    v = copy.deepcopy(signed)
    del v["signatures"]
    out.append(("signatures removed", v))
    v = copy.deepcopy(signed)
    v["signatures"][case.entity][key_id] = base64.b64encode(bytes(64)).decode().rstrip("=")
    out.append(("zero signature", v))
    return out


def main():
    tool = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 20240612
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 1500
    gen = random_json.RandomJson(seed)
    cases = [Case(gen, i) for i in range(count)]

    # Public keys derived from the same seeds.
    answers = vector_tool.run(tool, [{"op": "key", "seed": c.seed, "version": c.version}
                                     for c in cases])
    for c, a in zip(cases, answers):
        expected = encode_base64(c.verify_key.encode())
        if not a.get("ok") or a["public_key"] != expected or a["key_id"] != "ed25519:" + c.version:
            vector_tool.fail("key from seed %s: got %r, signedjson says %s" % (c.seed, a, expected))

    answers = vector_tool.run(tool, [c.sign_request() for c in cases])
    signed_objects = []
    for i, (c, a) in enumerate(zip(cases, answers)):
        if not a.get("ok"):
            vector_tool.fail("sign request %d rejected: %s" % (i, a.get("error")))
        unsigned_copy = {k: v for k, v in c.value.items() if k not in ("signatures", "unsigned")}
        expected_signable = encode_canonical_json(unsigned_copy)
        got_signable = a["signable"].encode("utf-8")
        if got_signable != expected_signable:
            vector_tool.fail("signable bytes of case %d differ\n  value: %r\n%s" % (
                i, c.value, vector_tool.first_difference(expected_signable, got_signable)))
        expected = encode_canonical_json(sign_json(copy.deepcopy(c.value), c.entity, c.key))
        got = encode_canonical_json(a["signed"])
        if got != expected:
            vector_tool.fail("signed object of case %d differs from signedjson\n  value: %r\n%s" % (
                i, c.value, vector_tool.first_difference(expected, got)))
        signed_objects.append(a["signed"])

    requests, labels = [], []
    for c, signed in zip(cases, signed_objects):
        public_key = encode_base64(c.verify_key.encode())
        for label, v in tampered(gen, c, signed):
            requests.append({"op": "verify", "public_key": public_key,
                             "key_id": "ed25519:" + c.version, "entity": c.entity, "value": v})
            labels.append((label, c))
        wrong = cases[(cases.index(c) + 1) % len(cases)]  # another case's key, same key ID
        requests.append({"op": "verify", "public_key": encode_base64(wrong.verify_key.encode()),
                         "key_id": "ed25519:" + c.version, "entity": c.entity, "value": signed})
        labels.append(("wrong public key", None))
    answers = vector_tool.run(tool, requests)
    agreed_valid = 0
    for req, (label, c), a in zip(requests, labels, answers):
        if not a.get("ok"):
            vector_tool.fail("verify request rejected: %s" % a.get("error"))
        vk = decode_verify_key_bytes(req["key_id"], decode_base64(req["public_key"]))
        expected = python_verifies(req["value"], req["entity"], vk)
        if a["valid"] != expected:
            vector_tool.fail("verify (%s): myelin says %s (%s), signedjson says %s\n  request: %r" % (
                label, a["valid"], a["reason"], expected, req))
        agreed_valid += expected

    print("signed JSON: %d keys, %d signatures byte-identical to signedjson, %d verifications "
          "agree (%d valid) (seed %d)" % (len(cases), len(cases), len(requests), agreed_valid, seed))


if __name__ == "__main__":
    main()
