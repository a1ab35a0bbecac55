"""Runs batches of requests through myelin_vector_tool (one process, one JSON line each way)."""

import json
import subprocess
import sys


def run_lines(tool, lines):
    """Sends raw request lines (str, no newlines) and returns the parsed answers, in order."""
    return run_byte_lines(tool, [line.encode("utf-8") for line in lines])


def run_byte_lines(tool, lines):
    """Sends request lines given as bytes (which need not be UTF-8), returns the answers."""
    for line in lines:
        assert b"\n" not in line, "a request must fit on one line"
    data = b"\n".join(lines) + b"\n"
    proc = subprocess.run([tool], input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=50, check=False)
    if proc.returncode != 0:
        fail("vector tool exited with %d: %s" % (proc.returncode, proc.stderr.decode(errors="replace")))
    answers = [json.loads(l) for l in proc.stdout.decode("utf-8").split("\n")[:-1]]
    # (not splitlines(): it also splits at U+2028, U+0085 and other characters JSON leaves raw)
    if len(answers) != len(lines):
        fail("sent %d requests, got %d answers" % (len(lines), len(answers)))
    return answers


def run(tool, requests):
    """Sends request objects (serialised by Python's json, ASCII-escaped) and returns answers."""
    return run_lines(tool, [json.dumps(r) for r in requests])


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def first_difference(expected: bytes, got: bytes) -> str:
    n = next((i for i, (a, b) in enumerate(zip(expected, got)) if a != b), min(len(expected), len(got)))
    return ("first difference at byte %d\n  expected: %r\n  got:      %r"
            % (n, expected[max(0, n - 40):n + 40], got[max(0, n - 40):n + 40]))
