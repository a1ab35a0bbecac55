"""`myelin register-user` (Synapse's register_new_matrix_user) against the real server: scripted
admin and non-admin users, the interactive prompts on a pseudo-terminal, a wrong shared secret,
and bulk registration from a CSV file. Sign-up is closed, as shared-secret registration must
work whatever the registration mode."""
import os
import pty
import re
import select
import subprocess
import sys
import tempfile
import time
import unittest

import harness

BINARY = harness.myelin_path()


class RegisterUserCommandTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Homeserver(BINARY, config="registration: {mode: closed}\n")
        cls.server.start()
        cls.url = "http://%s:%d" % (cls.server.host, cls.server.port)
        cls.tmp = tempfile.TemporaryDirectory()
        cls.admin_token = None

    @classmethod
    def tearDownClass(cls):
        cls.server.close()
        cls.tmp.cleanup()

    # -- helpers ---------------------------------------------------------------------------

    def cli(self, *args, stdin=subprocess.DEVNULL):
        return subprocess.run([BINARY, "register-user", "-c", self.server.config_path, *args],
                              stdin=stdin, capture_output=True, text=True, timeout=60)

    def login(self, user, password):
        status, body = self.server.request("POST", "/_matrix/client/v3/login", {
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": user}, "password": password})
        self.assertEqual(status, 200, body)
        return body["access_token"]

    def is_admin(self, user_id):
        if RegisterUserCommandTest.admin_token is None:
            result = self.cli("-u", "checker", "-p", "checker-pw", "-a", self.url)
            self.assertEqual(result.returncode, 0, result.stderr)
            RegisterUserCommandTest.admin_token = self.login("checker", "checker-pw")
        status, body = self.server.request(
            "GET", "/_synapse/admin/v1/users/%s/admin" % harness.quote(user_id),
            token=RegisterUserCommandTest.admin_token)
        self.assertEqual(status, 200, body)
        return body["admin"]

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    # -- scripted ---------------------------------------------------------------------------

    def test_scripted_admin(self):
        result = self.cli("-u", "boss", "-p", "boss-pw", "--admin", "--display-name", "The Boss",
                          self.url)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("Success! Registered @boss:localhost (admin)", result.stdout)
        token = self.login("boss", "boss-pw")
        status, flag = self.server.request("GET", "/_synapse/admin/v1/users/@boss:localhost/admin",
                                           token=token)
        self.assertEqual((status, flag), (200, {"admin": True}))
        status, profile = self.server.request("GET", "/_matrix/client/v3/profile/@boss:localhost")
        self.assertEqual(profile.get("displayname"), "The Boss")

    def test_scripted_non_admin_with_password_file(self):
        path = self.write("pw.txt", "file-pw\n")
        result = self.cli("-u", "plain", "--password-file", path, "--no-admin", self.url)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("Registered @plain:localhost", result.stdout)
        self.assertNotIn("(admin)", result.stdout)
        self.login("plain", "file-pw")
        self.assertFalse(self.is_admin("@plain:localhost"))

    def test_url_taken_from_the_config(self):
        # The test server listens on port 0 (chosen at start-up); a copy of its config with the
        # real port stands for an operator's homeserver.yaml.
        with open(self.server.config_path) as f:
            text = f.read()
        text, count = re.subn(r"port: 0\b", "port: %d" % self.server.port, text)
        self.assertGreater(count, 0)
        config = self.write("homeserver.yaml", text)
        result = subprocess.run([BINARY, "register-user", "-c", config, "-u", "fromconfig",
                                 "-p", "pw", "--no-admin"],
                                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.login("fromconfig", "pw")
        # Port 0 itself cannot be reached: a clear usage error.
        result = self.cli("-u", "nourl", "-p", "pw")
        self.assertEqual(result.returncode, 2)
        self.assertIn("give the server URL", result.stderr)

    def test_scripted_missing_values_are_errors(self):
        result = self.cli("-p", "pw", self.url)
        self.assertEqual(result.returncode, 2)
        self.assertIn("no user name", result.stderr)
        result = self.cli("-u", "nopw", self.url)
        self.assertEqual(result.returncode, 2)
        self.assertIn("no password", result.stderr)

    def test_wrong_shared_secret_fails_clearly(self):
        result = self.cli("-k", "not-the-secret", "-u", "intruder", "-p", "pw", "-a", self.url)
        self.assertEqual(result.returncode, 1)
        self.assertIn("registration failed: M_FORBIDDEN", result.stderr)
        status, _ = self.server.request("POST", "/_matrix/client/v3/login", {
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": "intruder"}, "password": "pw"})
        self.assertEqual(status, 403)

    def test_taken_name_fails(self):
        self.assertEqual(self.cli("-u", "twice", "-p", "pw", "--no-admin", self.url).returncode, 0)
        result = self.cli("-u", "twice", "-p", "pw", "--no-admin", self.url)
        self.assertEqual(result.returncode, 1)
        self.assertIn("M_USER_IN_USE", result.stderr)

    # -- interactive --------------------------------------------------------------------------

    def run_on_pty(self, answers, *args):
        """Runs the command on a pseudo-terminal, answering each prompt in `answers`
        ((prompt, reply) pairs) when it appears. Returns (exit status, everything shown)."""
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(BINARY, [BINARY, "register-user", "-c", self.server.config_path, *args])
        shown = b""
        pending = list(answers)
        deadline = time.monotonic() + 60
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([fd], [], [], 1)
                if not ready:
                    continue
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                shown += chunk
                while pending and pending[0][0].encode() in shown.split(b"\n")[-1]:
                    os.write(fd, pending.pop(0)[1].encode() + b"\n")
                    shown += b"\n"
        finally:
            if time.monotonic() >= deadline:
                os.kill(pid, 9)
            _, status = os.waitpid(pid, 0)
            os.close(fd)
        self.assertFalse(pending, "prompts never shown: %r\n%s" % (pending, shown))
        return os.waitstatus_to_exitcode(status), shown.decode(errors="replace")

    def test_interactive_prompts(self):
        code, shown = self.run_on_pty([("New user localpart:", "typed"),
                                       ("Password:", "typed-pw"),
                                       ("Confirm password:", "typed-pw"),
                                       ("Make admin [no]:", "yes")], self.url)
        self.assertEqual(code, 0, shown)
        self.assertIn("Success! Registered @typed:localhost (admin)", shown)
        # The password was read without echo.
        self.assertNotIn("typed-pw", shown)
        self.login("typed", "typed-pw")
        self.assertTrue(self.is_admin("@typed:localhost"))

    def test_interactive_default_is_not_admin(self):
        code, shown = self.run_on_pty([("Password:", "pw2"), ("Confirm password:", "pw2"),
                                       ("Make admin [no]:", "")], "-u", "typed2", self.url)
        self.assertEqual(code, 0, shown)
        self.assertFalse(self.is_admin("@typed2:localhost"))

    def test_interactive_password_mismatch(self):
        code, shown = self.run_on_pty([("New user localpart:", "mismatch"),
                                       ("Password:", "one"), ("Confirm password:", "two")],
                                      self.url)
        self.assertEqual(code, 1, shown)
        self.assertIn("Passwords do not match", shown)

    # -- bulk ------------------------------------------------------------------------------

    def test_csv(self):
        self.assertEqual(self.cli("-u", "taken", "-p", "pw", "--no-admin", self.url).returncode, 0)
        path = self.write("users.csv",
                          "username,password,admin,displayname,user_type\r\n"
                          "csv_admin,pw-a,true,\"Admin, CSV\",\r\n"
                          "csv_user,\"pw \"\"quoted\"\"\",false,,\r\n"
                          "csv_bot,pw-b,no,,bot\r\n"
                          "csv_bad,pw-c,sometimes,,\r\n"
                          "taken,pw-d,false,,\r\n"
                          "csv_last,pw-e,,,\r\n")
        result = self.cli("--csv", path, self.url)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        lines = result.stdout.splitlines()
        self.assertIn("line 2: csv_admin: created @csv_admin:localhost (admin)", lines)
        self.assertIn("line 3: csv_user: created @csv_user:localhost", lines)
        self.assertIn("line 4: csv_bot: created @csv_bot:localhost", lines)
        self.assertTrue(any(l.startswith("line 5: csv_bad: failed: admin must be true or false")
                            for l in lines), lines)
        self.assertTrue(any(l.startswith("line 6: taken: failed: M_USER_IN_USE") for l in lines),
                        lines)
        self.assertIn("line 7: csv_last: created @csv_last:localhost", lines)
        self.assertIn("4 created, 2 failed", lines)
        self.login("csv_user", 'pw "quoted"')
        self.assertTrue(self.is_admin("@csv_admin:localhost"))
        self.assertFalse(self.is_admin("@csv_last:localhost"))
        status, profile = self.server.request("GET",
                                              "/_matrix/client/v3/profile/@csv_admin:localhost")
        self.assertEqual(profile.get("displayname"), "Admin, CSV")
        status, body = self.server.request(
            "GET", "/_synapse/admin/v2/users/@csv_bot:localhost",
            token=RegisterUserCommandTest.admin_token)
        self.assertEqual((status, body.get("user_type")), (200, "bot"))

    def test_csv_all_created_exits_zero(self):
        path = self.write("ok.csv", "username,password\nbulk1,pw1\nbulk2,pw2\n")
        result = self.cli("--csv", path, self.url)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("2 created, 0 failed", result.stdout)

    def test_csv_bad_header(self):
        path = self.write("bad.csv", "name,password\nx,y\n")
        result = self.cli("--csv", path, self.url)
        self.assertEqual(result.returncode, 2)
        self.assertIn('unknown column "name"', result.stderr)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
