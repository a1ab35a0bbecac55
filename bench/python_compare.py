"""Times Synapse's building blocks (python3-canonicaljson, json, python3-signedjson) on the same
documents as myelin's benchmarks, and, given Google Benchmark JSON results, prints how many times
faster myelin is (the ≥20x claim is checked against these figures).

Usage: python_compare.py PATH_TO_myelin_bench_documents [BENCH_RESULT.json ...]
"""

import copy
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "differential"))

from canonicaljson import encode_canonical_json  # noqa: E402
from signedjson.key import decode_signing_key_base64, get_verify_key  # noqa: E402
from signedjson.sign import sign_json, verify_signed_json  # noqa: E402
from unpaddedbase64 import encode_base64  # noqa: E402

import event_reference  # noqa: E402

# Python figure name -> the myelin benchmark it is compared with.
PAIRS = {
    "canonical encode event": "BM_CanonicalEncodeEvent",
    "canonical encode sync": "BM_CanonicalEncodeSync",
    "parse event": "BM_ParseEvent",
    "parse sync": "BM_ParseSync",
    "event hash+sign": "BM_EventHashAndSign",
    "json verify": "BM_JsonVerify",
}


def measure(fn, min_seconds=1.0):
    """(ops per second, seconds per op) of fn, repeated for at least min_seconds."""
    fn()
    n, start = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return n / elapsed, elapsed / n


def python_figures(event, sync):
    key = decode_signing_key_base64("ed25519", "bench", encode_base64(b"\x2a" * 32))
    unsigned_event = {k: v for k, v in event.items() if k not in ("hashes", "signatures")}
    signed = sign_json(copy.deepcopy(unsigned_event), "example.org", key)
    verify_key = get_verify_key(key)
    event_bytes = encode_canonical_json(event)
    sync_bytes = encode_canonical_json(sync)
    event_text, sync_text = event_bytes.decode(), sync_bytes.decode()
    cases = [
        ("canonical encode event", lambda: encode_canonical_json(event), len(event_bytes)),
        ("canonical encode sync", lambda: encode_canonical_json(sync), len(sync_bytes)),
        ("parse event", lambda: json.loads(event_text), len(event_bytes)),
        ("parse sync", lambda: json.loads(sync_text), len(sync_bytes)),
        ("event hash+sign", lambda: event_reference.sign_event(unsigned_event, "example.org", key,
                                                               "10"), None),
        ("json sign", lambda: sign_json(copy.deepcopy(unsigned_event), "example.org", key), None),
        ("json verify", lambda: verify_signed_json(signed, "example.org", verify_key), None),
    ]
    out = {}
    for name, fn, size in cases:
        ops, seconds = measure(fn)
        out[name] = (ops, seconds, size)
        mbs = " %9.1f MB/s" % (size * ops / 1e6) if size else ""
        print("python %-24s %12.0f ops/s%s" % (name, ops, mbs))
    return out


def myelin_figures(paths):
    """Benchmark name -> seconds per iteration, from Google Benchmark JSON outputs (the median
    when the run has repetitions: the machine is shared, so single runs are noisy)."""
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    out, medians = {}, {}
    for path in paths:
        with open(path) as f:
            for b in json.load(f)["benchmarks"]:
                seconds = b["cpu_time"] * scale[b["time_unit"]]
                if b.get("run_type") == "aggregate":
                    if b.get("aggregate_name") == "median":
                        medians[b["run_name"]] = seconds
                else:
                    out[b["name"]] = seconds
    out.update(medians)
    return out


def main():
    docs = subprocess.run([sys.argv[1]], stdout=subprocess.PIPE, check=True).stdout.decode()
    event_line, sync_line = docs.split("\n")[:2]
    print("documents: event %d bytes, sync %d bytes" % (len(event_line.encode()),
                                                       len(sync_line.encode())))
    python = python_figures(json.loads(event_line), json.loads(sync_line))
    myelin = myelin_figures(sys.argv[2:])
    if not myelin:
        return
    print("\n%-24s %14s %14s %9s" % ("", "python ops/s", "myelin ops/s", "speed-up"))
    for name, bench in PAIRS.items():
        if bench in myelin and name in python:
            py_ops, my_ops = python[name][0], 1.0 / myelin[bench]
            print("%-24s %14.0f %14.0f %8.1fx" % (name, py_ops, my_ops, my_ops / py_ops))
    if "BM_JsonVerify" in myelin and "BM_RawEd25519Verify" in myelin:
        print("\nmyelin JSON verify costs %.2fx a bare crypto_sign_verify_detached on the same "
              "message" % (myelin["BM_JsonVerify"] / myelin["BM_RawEd25519Verify"]))


if __name__ == "__main__":
    main()
