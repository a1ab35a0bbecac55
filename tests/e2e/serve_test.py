#!/usr/bin/python3
"""`myelin serve` as an operator runs it: bad configuration is refused before anything starts
(the file, the key and the reason on stderr, exit 1), a busy port is refused, SIGINT and SIGTERM
stop the server cleanly while a long-poll /sync is in flight, and the data survives.

Usage: serve_test.py PATH_TO_MYELIN
"""
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

MYELIN = harness.myelin_path()


def run_serve(config_path, timeout=20):
    return subprocess.run([MYELIN, "serve", "--config", config_path], capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


class RefusedConfigTest(unittest.TestCase):
    def setUp(self):
        self.server = harness.Homeserver(MYELIN)

    def tearDown(self):
        self.server.close()

    def rewrite(self, old, new):
        with open(self.server.config_path) as f:
            text = f.read()
        self.assertIn(old, text)
        with open(self.server.config_path, "w") as f:
            f.write(text.replace(old, new, 1))

    def test_every_error_named_with_file_and_key(self):
        self.rewrite("#log_level: info", "log_level: loud")
        with open(self.server.config_path, "a") as f:
            f.write("max_request_body_size: lots\nno_such_setting: 1\n")
        result = run_serve(self.server.config_path)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(result.stdout, "", "nothing may start on a bad config")
        for key in ("log_level", "max_request_body_size", "no_such_setting"):
            self.assertIn("%s: %s:" % (self.server.config_path, key), result.stderr)

    def test_missing_file(self):
        result = run_serve(os.path.join(self.server.data_dir, "absent.yaml"))
        self.assertEqual(result.returncode, 1)
        self.assertIn("absent.yaml", result.stderr)

    def test_busy_port_refused(self):
        busy = socket.socket()
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        try:
            port = busy.getsockname()[1]
            with open(self.server.config_path) as f:
                text = f.read()
            with open(self.server.config_path, "w") as f:
                f.write(text.replace("- port: 0", "- port: %d" % port, 1))
            result = run_serve(self.server.config_path)
            self.assertEqual(result.returncode, 1, result.stderr)
            self.assertIn(str(port), result.stderr)
        finally:
            busy.close()


class GracefulStopTest(unittest.TestCase):
    def test_signals_finish_requests_and_keep_data(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            with self.subTest(signal=sig.name):
                server = harness.Homeserver(MYELIN)
                try:
                    server.start()
                    alice = server.register("alice")
                    status, sync = server.request("GET", "/_matrix/client/v3/sync",
                                                  token=alice["access_token"])
                    self.assertEqual(status, 200)
                    answer = {}

                    def poll():
                        answer["status"], _ = server.request(
                            "GET", "/_matrix/client/v3/sync?timeout=30000&since=" +
                            sync["next_batch"], token=alice["access_token"])

                    waiting = threading.Thread(target=poll)
                    waiting.start()
                    # Nothing outside the server shows when the poll has been read and parked, so
                    # give it a moment; if the signal came first the poll would fail, not pass.
                    time.sleep(0.3)
                    server.process.send_signal(sig)
                    self.assertEqual(server.process.wait(timeout=15), 0)
                    waiting.join(15)
                    self.assertEqual(answer.get("status"), 200, "the long poll was cut, not answered")
                    server.process = None
                    server.start()
                    status, whoami = server.request("GET", "/_matrix/client/v3/account/whoami",
                                                    token=alice["access_token"])
                    self.assertEqual((status, whoami["user_id"]), (200, alice["user_id"]))
                finally:
                    server.close()


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
