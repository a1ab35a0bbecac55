"""Runs the real `myelin` binary on loopback for end-to-end tests.

The server is started exactly as an operator starts it:
`myelin generate-config` writes the YAML, open registration is switched on with Synapse's key
names, `myelin serve --config` runs until its "myelin: serving ... on http://HOST:PORT" line
appears on stdout, and SIGTERM stops it with exit status 0. Only the PID started here is ever
signalled.

Also holds small raw-HTTP helpers (http.client) for tests that must send bytes no client
library would send: malformed JSON, wrong methods, oversized bodies.
"""
import contextlib
import hashlib
import hmac
import http.client
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

# The serving line is the contract's readiness signal; never sleep instead of waiting for it.
_SERVING = re.compile(r"^myelin: serving (\S+) on (http://[^\s:]+:(\d+))\s*$")
_START_TIMEOUT_S = 20
_STOP_TIMEOUT_S = 15


def myelin_path():
    """The binary under test: argv[1] (as CTest passes it), else $MYELIN, else build/myelin."""
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        return os.path.abspath(sys.argv.pop(1))
    return os.path.abspath(os.environ.get("MYELIN", "build/myelin"))


class ServerError(AssertionError):
    pass


def permissive_rate_limits():
    """Every rc_* key of myelin (Synapse's names) at a rate no test reaches."""
    limit = "{per_second: 1000000, burst_count: 1000000}"
    return "".join([
        "rc_message: %s\n" % limit,
        "rc_registration: %s\n" % limit,
        "rc_registration_token_validity: %s\n" % limit,
        "rc_login: {address: %s, account: %s, failed_attempts: %s}\n" % (limit, limit, limit),
        "rc_joins: {local: %s, remote: %s}\n" % (limit, limit),
        "rc_invites: {per_room: %s, per_user: %s, per_issuer: %s}\n" % (limit, limit, limit),
        "rc_3pid_validation: %s\n" % limit,
    ])


class Homeserver:
    """One `myelin serve` process over a temporary data directory that survives restarts."""

    # Appended to the generated config: open sign-up unless a test configures its own.
    OPEN_REGISTRATION = "registration: {mode: open}\n"
    # Appended too unless a test passes rate_limits=: limits no test reaches, since tests
    # register and log in dozens of users from 127.0.0.1 and send bursts of messages.
    # rate_limits="" leaves Synapse's defaults; tests of rate limiting pass their own rc_* YAML.
    PERMISSIVE_RATE_LIMITS = permissive_rate_limits()

    def __init__(self, binary, server_name="localhost", keep_dir=False,
                 config=OPEN_REGISTRATION, rate_limits=None):
        self.binary = binary
        self.server_name = server_name
        self.extra_config = config
        self.rate_limits = self.PERMISSIVE_RATE_LIMITS if rate_limits is None else rate_limits
        # MYELIN_E2E_KEEP=1 keeps the data directory (config, database, stderr.log) to inspect.
        self.keep_dir = keep_dir or os.environ.get("MYELIN_E2E_KEEP") == "1"
        self.data_dir = tempfile.mkdtemp(prefix="myelin-e2e-")
        self.config_path = os.path.join(self.data_dir, "homeserver.yaml")
        self.stderr_path = os.path.join(self.data_dir, "stderr.log")
        self.process = None
        self.base_url = None
        self.host = None
        self.port = None
        self.listeners = {}
        self._lines = None
        self._generate_config()

    # -- lifecycle ---------------------------------------------------------------------------

    def _generate_config(self):
        result = subprocess.run(
            [self.binary, "generate-config", "--server-name", self.server_name,
             "--listen", "127.0.0.1:0", "--data-dir", self.data_dir, "-o", self.config_path],
            capture_output=True, timeout=30)
        if result.returncode != 0:
            raise ServerError("generate-config failed (%d): %s" % (
                result.returncode, result.stderr.decode(errors="replace")))
        with open(self.config_path, "a") as f:
            f.write("\n" + self.extra_config + "\n" + self.rate_limits)

    def start(self):
        assert self.process is None, "already running"
        stderr = open(self.stderr_path, "ab")
        stderr.write(("---- start %s ----\n" % time.strftime("%H:%M:%S")).encode())
        stderr.flush()
        self.process = subprocess.Popen(
            [self.binary, "serve", "--config", self.config_path],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr)
        stderr.close()
        # A thread drains stdout for the whole run so the pipe never fills and blocks the server.
        self._lines = queue.Queue()
        threading.Thread(target=self._pump, args=(self.process.stdout, self._lines),
                         daemon=True).start()
        self.listeners = {}
        deadline = time.monotonic() + _START_TIMEOUT_S
        while not any("client" in names.split("+") for names in self.listeners):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._kill()
                raise ServerError("no 'myelin: serving client' line within %ds (saw %r)\n%s"
                                  % (_START_TIMEOUT_S, self.listeners, self.stderr_tail()))
            try:
                line = self._lines.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                if self.process.poll() is not None:
                    raise self._exited("exited before serving")
                continue
            if line is None:
                self.process.wait(timeout=5)
                raise self._exited("closed stdout before serving")
            match = _SERVING.match(line)
            if match:
                self.listeners[match.group(1)] = match.group(2)
        # The client listener is the one tests talk to.
        url = next(u for names, u in self.listeners.items() if "client" in names.split("+"))
        self.base_url = url
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = parsed.hostname, parsed.port
        return self

    @staticmethod
    def _pump(stream, lines):
        with stream:
            for raw in stream:
                lines.put(raw.decode(errors="replace").rstrip("\n"))
        lines.put(None)

    def _exited(self, what):
        self.process.wait(timeout=5)
        code = self.process.returncode
        self.process = None
        return ServerError("myelin serve %s (status %s)\n%s" % (what, code, self.stderr_tail()))

    def stop(self):
        """SIGTERM, then the process must exit with status 0 within the contract's time."""
        if self.process is None:
            return
        process, self.process = self.process, None
        if process.poll() is not None:
            raise ServerError("myelin serve had already exited (status %s)\n%s" % (
                process.returncode, self.stderr_tail()))
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise ServerError("myelin serve did not exit within %ds of SIGTERM\n%s" % (
                _STOP_TIMEOUT_S, self.stderr_tail()))
        if code != 0:
            raise ServerError("myelin serve exited with status %d after SIGTERM\n%s" % (
                code, self.stderr_tail()))

    def restart(self):
        self.stop()
        return self.start()

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def revive(self):
        """Starts the server again if it died, so one crash fails one test, not every later one.

        The test that crashed it has already failed (tests check alive() when they end).
        Returns whether a restart was needed.
        """
        if self.process is None or self.process.poll() is None:
            return False
        self.process = None
        self._reported = False
        self.start()
        return True

    def death_report(self):
        """Why the server is not running: the stderr tail the first time, then one line."""
        if self.process is None:
            return "myelin is not running"
        code = self.process.poll()
        if getattr(self, "_reported", False):
            return "myelin exited earlier (status %s)" % code
        self._reported = True
        return "myelin exited (status %s)\n%s" % (code, self.stderr_tail())

    def _kill(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def close(self):
        try:
            self.stop()
        finally:
            self._kill()
            if self.keep_dir:
                print("myelin e2e: kept %s" % self.data_dir, file=sys.stderr)
            else:
                shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            print(self.stderr_tail(), file=sys.stderr)
            self._kill()
        self.close()
        return False

    def stderr_tail(self, lines=40):
        try:
            with open(self.stderr_path, "rb") as f:
                text = f.read().decode(errors="replace").splitlines()
        except OSError:
            return "(no stderr captured)"
        return "---- myelin stderr (last %d lines) ----\n%s" % (lines, "\n".join(text[-lines:]))

    # -- raw HTTP ----------------------------------------------------------------------------

    def request(self, method, path, body=None, token=None, headers=None, timeout=60):
        """One HTTP request on a fresh connection. Returns (status, parsed JSON or raw bytes).

        `body` may be bytes (sent verbatim) or any JSON value (encoded); `token` goes in the
        Authorization header.
        """
        status, _, data = self.request_full(method, path, body, token, headers, timeout)
        return status, data

    def request_full(self, method, path, body=None, token=None, headers=None, timeout=60):
        """As request(), also returning the response headers (lower-case names)."""
        all_headers = {}
        if body is not None and not isinstance(body, (bytes, bytearray)):
            body = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        if token is not None:
            all_headers["Authorization"] = "Bearer " + token
        all_headers.update(headers or {})
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            raw = response.read()
            response_headers = {k.lower(): v for k, v in response.getheaders()}
        finally:
            conn.close()
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = raw
        return response.status, response_headers, data

    def register(self, username, password="correct horse battery staple", device_id=None):
        """Registers through the spec's dummy UIA flow: first call → 401 with a session."""
        path = "/_matrix/client/v3/register"
        body = {"username": username, "password": password}
        if device_id:
            body["device_id"] = device_id
        status, challenge = self.request("POST", path, body)
        if status != 401 or not isinstance(challenge, dict) or "session" not in challenge:
            raise ServerError("register %s: expected a 401 UIA challenge, got %s %r" % (
                username, status, challenge))
        body["auth"] = {"type": "m.login.dummy", "session": challenge["session"]}
        status, result = self.request("POST", path, body)
        if status != 200:
            raise ServerError("register %s: %s %r" % (username, status, result))
        return result

    def shared_secret(self):
        """The registration_shared_secret generate-config wrote into the config file."""
        with open(self.config_path) as f:
            for line in f:
                match = re.match(r'^registration_shared_secret:\s*"?([^"\s]+)"?\s*$', line)
                if match:
                    return match.group(1)
        raise ServerError("no registration_shared_secret in " + self.config_path)

    def register_with_shared_secret(self, username, password="correct horse battery staple",
                                    admin=False, user_type=None, secret=None):
        """Synapse's shared-secret registration (what register_new_matrix_user does): a fresh
        nonce, then the HMAC-SHA1 of nonce, name, password and admin flag. Returns
        (status, body) of the POST."""
        status, nonce = self.request("GET", "/_synapse/admin/v1/register")
        if status != 200:
            raise ServerError("GET /_synapse/admin/v1/register: %s %r" % (status, nonce))
        mac = hmac.new((secret or self.shared_secret()).encode(), digestmod=hashlib.sha1)
        mac.update(b"\x00".join([nonce["nonce"].encode(), username.encode(), password.encode(),
                                  b"admin" if admin else b"notadmin"]))
        if user_type:
            mac.update(b"\x00" + user_type.encode())
        body = {"nonce": nonce["nonce"], "username": username, "password": password,
                "admin": admin, "mac": mac.hexdigest()}
        if user_type:
            body["user_type"] = user_type
        return self.request("POST", "/_synapse/admin/v1/register", body)

    def register_admin(self, username, password="correct horse battery staple"):
        """A server admin, made the way operators make the first one. Returns the login dict."""
        status, body = self.register_with_shared_secret(username, password, admin=True)
        if status != 200:
            raise ServerError("register admin %s: %s %r" % (username, status, body))
        return body

    def versions_ok(self):
        status, body = self.request("GET", "/_matrix/client/versions", timeout=10)
        return status == 200 and isinstance(body, dict) and isinstance(body.get("versions"), list)


@contextlib.contextmanager
def closed_on_failure(server):
    """Closes `server` (process and data directory) when the block raises, then re-raises: what
    a setUpModule that starts one needs, since tearDownModule does not run after it failed."""
    try:
        yield server
    except BaseException:
        server.close()
        raise


def start_homeserver(binary, **options):
    """A started Homeserver(binary, **options); nothing is left behind when it fails to start."""
    server = Homeserver(binary, **options)
    with closed_on_failure(server):
        server.start()
    return server


def quote(value):
    """Percent-encodes one path segment (room IDs, aliases, user IDs)."""
    return urllib.parse.quote(value, safe="")
