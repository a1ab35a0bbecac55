"""Seeded random JSON documents for differential tests: values and hand-written JSON text.

The text writer varies what a parser must cope with (whitespace, \\u escapes including surrogate
pairs, escaped '/', number spellings, duplicate keys) while staying one line, so the same document
can travel to the vector tool verbatim and be decoded by Python's json as the reference.
"""

import json
import math
import random
import struct

MAX_SAFE = 2**53 - 1  # canonical JSON integer range, spec appendix "Canonical JSON"

# Code points from every UTF-8 length class, every control character, the escapes, line/paragraph
# separators, non-characters and the edges of the astral planes.
SAMPLE_CHARS = (
    [chr(c) for c in range(0x20)] + list("\"\\/ aZ09~\x7f") +
    ["\u0080", "\u00e9", "\u07ff", "\u0800", "\u2028", "\u2029", "\u65e5", "\ufeff", "\ufffd",
     "\uffff", "\U00010000", "\U0001f600", "\U0001f9d1", "\U000e0001", "\U0010fffd", "\U0010ffff"])


class RandomJson:
    def __init__(self, seed):
        self.rng = random.Random(seed)

    # -- values ------------------------------------------------------------------------------
    def string(self, max_len=12):
        r = self.rng
        if r.random() < 0.01:
            max_len = 2000
        n = int(r.random() * (max_len + 1))
        out = []
        for _ in range(n):
            p = r.random()
            if p < 0.35:  # a run of ASCII letters, cheaply
                out.append("abcdefghijklmnopqrstuvwxyz"[int(r.random() * 26)])
                continue
            if p < 0.5:
                out.append(chr(r.randint(0x20, 0x7e)))
            elif p < 0.8:
                out.append(r.choice(SAMPLE_CHARS))
            elif p < 0.9:
                c = r.randint(0x80, 0xffff)
                out.append(chr(c) if not 0xd800 <= c <= 0xdfff else "x")
            else:
                out.append(chr(r.randint(0x10000, 0x10ffff)))
        return "".join(out)

    def integer(self):
        r = self.rng
        p = r.random()
        if p < 0.4:
            return r.randint(-10, 10)
        if p < 0.7:
            return r.randint(-MAX_SAFE, MAX_SAFE)
        if p < 0.85:
            return r.choice([MAX_SAFE, -MAX_SAFE, 2**31, -2**31, 2**32, 2**53 - 2, 0])
        return r.randint(-10**6, 10**6)

    def float_(self):
        r = self.rng
        p = r.random()
        if p < 0.3:
            return r.choice([0.0, -0.0, 0.1, 1.5, 1e16, 1e-7, 1e-5, 1e21, 1e22, 123456789.125,
                             5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 2.0**53])
        if p < 0.6:
            return r.uniform(-1e6, 1e6)
        while True:  # any finite double, by bit pattern
            f = struct.unpack("<d", struct.pack("<Q", r.getrandbits(64)))[0]
            if math.isfinite(f):
                return f

    def value(self, depth=0, max_depth=5, floats=True):
        r = self.rng
        if depth == 0:
            kind = "object"
        elif depth >= max_depth:
            kind = r.choice(["null", "bool", "int", "string", "string"])
        else:
            kind = r.choice(["null", "bool", "int", "int", "string", "string", "string",
                             "array", "object", "object"] + (["float"] if floats else []))
        if kind == "null":
            return None
        if kind == "bool":
            return r.random() < 0.5
        if kind == "int":
            return self.integer()
        if kind == "float":
            return self.float_()
        if kind == "string":
            return self.string()
        if kind == "array":
            return [self.value(depth + 1, max_depth, floats) for _ in range(r.randint(0, 5))]
        if r.random() < 0.01:  # many keys, with scalar values to keep documents small
            return {self.string(8): self.value(max_depth, max_depth, floats)
                    for _ in range(r.randint(50, 300))}
        return {self.string(8): self.value(depth + 1, max_depth, floats)
                for _ in range(r.randint(0, 5))}

    def deep(self, depth):
        """A chain of nested arrays/objects depth levels deep, as a value."""
        v = self.value(1, 2)
        for _ in range(depth - 1):
            v = [v] if self.rng.random() < 0.5 else {self.string(3): v}
        return v if isinstance(v, dict) else {"deep": v}

    # -- text --------------------------------------------------------------------------------
    def ws(self):
        r = self.rng
        return "" if r.random() < 0.7 else "".join(r.choice(" \t\r") for _ in range(r.randint(1, 3)))

    def string_text(self, s):
        r = self.rng
        out = ['"']
        for ch in s:
            c = ord(ch)
            p = r.random()
            if ch in '"\\' or c < 0x20:
                short = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n",
                         "\r": "\\r", "\t": "\\t"}.get(ch)
                out.append(short if short and p < 0.7 else "\\u%04x" % c)
            elif ch == "/" and p < 0.5:
                out.append("\\/")
            elif p < 0.15:
                if c > 0xffff:  # surrogate pair
                    c -= 0x10000
                    esc = "\\u%04x\\u%04x" % (0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff))
                else:
                    esc = "\\u%04x" % c
                out.append(esc.upper().replace("\\U", "\\u") if r.random() < 0.5 else esc)
            else:
                out.append(ch)
        out.append('"')
        return "".join(out)

    def number_text(self, v):
        r = self.rng
        if isinstance(v, int):
            return str(v)
        text = repr(v)
        p = r.random()
        if p < 0.3:
            text = "%.17g" % v
        elif p < 0.5:
            text = "%.16e" % v
        elif p < 0.6:
            text = text.upper()
        # JSON has no "1." or ".5" and needs a fraction or exponent to stay a float.
        if "e" not in text.lower() and "." not in text:
            text += ".0"
        return text

    def text(self, v):
        r = self.rng
        if isinstance(v, dict):
            items = list(v.items())
            parts = []
            for k, x in items:
                if r.random() < 0.03:  # a duplicate key that the later one overrides
                    parts.append(self.string_text(k) + ":" + self.text(self.value(1, 2, False)))
                parts.append(self.ws() + self.string_text(k) + self.ws() + ":" + self.ws() +
                             self.text(x) + self.ws())
            return "{" + ",".join(parts) + self.ws() + "}"
        if isinstance(v, list):
            return "[" + ",".join(self.ws() + self.text(x) + self.ws() for x in v) + self.ws() + "]"
        if isinstance(v, str):
            return self.string_text(v)
        if isinstance(v, bool):
            return "true" if v else "false"
        if v is None:
            return "null"
        return self.number_text(v)


def numbers_canonical(v):
    """Whether every number is an integer in the canonical range (Python's view)."""
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return True
    if isinstance(v, float):
        return False
    if isinstance(v, int):
        return -MAX_SAFE <= v <= MAX_SAFE
    if isinstance(v, list):
        return all(numbers_canonical(x) for x in v)
    return all(numbers_canonical(x) for x in v.values())
