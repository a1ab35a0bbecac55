"""Differential test: myelin's JSON parser + canonical encoder against python3-canonicaljson.

Thousands of seeded random documents travel to myelin_vector_tool as hand-varied JSON text (escapes,
surrogate pairs, whitespace, number spellings, duplicate keys); Python decodes the same text with
its json module and encodes it with canonicaljson.encode_canonical_json. The bytes must be equal.

Usage: canonical_json_test.py PATH_TO_myelin_vector_tool [SEED] [COUNT]
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from canonicaljson import encode_canonical_json  # noqa: E402

import random_json  # noqa: E402
import vector_tool  # noqa: E402

# Texts canonicaljson cannot encode (or that are not JSON): myelin must refuse them too.
MUST_REJECT = [
    '{"a":NaN}', '{"a":Infinity}', '{"a":-Infinity}', '{"a":"\\ud800"}', '{"a":"\\udc00x"}',
    '{"a":"\\ud83d\\u0041"}', '{"a":1,}', '{"a":[1,]}', "{'a':1}", '{"a":01}', '{"a":1.}',
    '{"a":.5}', '{"a":+1}', '{"a":"\x01"}', '{"a":"\\x41"}', '{"a":1e400}', '{"a":-1e400}',
    '{"a":tru}', '{"a":1} x', '{"a"}', '{"a":"\\u12"}', '{"a":[1 2]}',
]

# Byte strings that are not UTF-8 (RFC 3629): overlong forms, encoded surrogates, code points past
# U+10FFFF, truncated and stray sequences. Python cannot decode them; myelin must refuse them.
BAD_UTF8 = [b"\xc0\x80", b"\xc1\xbf", b"\xe0\x80\x80", b"\xe0\x9f\xbf", b"\xed\xa0\x80",
            b"\xed\xbf\xbf", b"\xf0\x80\x80\x80", b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80",
            b"\xff", b"\xfe", b"\x80", b"\xbf", b"\xc3", b"\xe6\x97", b"\xf0\x9f\x98", b"a\xc3(b"]


def main():
    tool = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 20240611
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 4000
    gen = random_json.RandomJson(seed)

    texts = [gen.text(gen.value(floats=(i % 3 == 0))) for i in range(count)]
    texts += [gen.text(gen.deep(d)) for d in (20, 50, 90)]
    lines = ['{"op":"canonical","value":' + t + "}" for t in texts]
    answers = vector_tool.run_lines(tool, lines + ['{"op":"canonical","value":' + t + "}"
                                                   for t in MUST_REJECT])

    for i, text in enumerate(texts):
        answer = answers[i]
        value = json.loads(text)
        expected = encode_canonical_json(value)
        if not answer.get("ok"):
            vector_tool.fail("document %d rejected (%s)\n  input: %s" % (i, answer.get("error"), text))
        got = answer["canonical"].encode("utf-8")
        if got != expected:
            vector_tool.fail("document %d differs from canonicaljson\n  input: %s\n%s"
                             % (i, text, vector_tool.first_difference(expected, got)))
        if answer["numbers_canonical"] != random_json.numbers_canonical(value):
            vector_tool.fail("document %d: numbers_canonical=%s, Python says %s\n  input: %s"
                             % (i, answer["numbers_canonical"], not answer["numbers_canonical"], text))

    for text, answer in zip(MUST_REJECT, answers[len(texts):]):
        if answer.get("ok"):
            vector_tool.fail("accepted invalid JSON %r as %r" % (text, answer.get("canonical")))

    bad = []
    for raw in BAD_UTF8:
        try:
            raw.decode("utf-8")
            vector_tool.fail("test bug: %r is UTF-8" % raw)
        except UnicodeDecodeError:
            pass
        bad += [b'{"op":"canonical","value":"' + raw + b'"}',
                b'{"op":"canonical","value":{"' + raw + b'":1}}']
    for line, answer in zip(bad, vector_tool.run_byte_lines(tool, bad)):
        if answer.get("ok"):
            vector_tool.fail("accepted invalid UTF-8 %r as %r" % (line, answer.get("canonical")))

    print("canonical JSON: %d documents byte-identical to canonicaljson %s, %d invalid texts "
          "rejected, %d invalid UTF-8 inputs rejected (seed %d)" % (
              len(texts), getattr(sys.modules["canonicaljson"], "__version__", "?"),
              len(MUST_REJECT), len(BAD_UTF8) * 2, seed))


if __name__ == "__main__":
    main()
