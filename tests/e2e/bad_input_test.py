#!/usr/bin/python3
"""Bad input against the real `myelin serve`: every answer carries the spec's status and errcode
(client-server API, "Standard error response" and "Common error codes"), and the server keeps
answering afterwards.

Usage: bad_input_test.py PATH_TO_MYELIN
"""
import json
import os
import select
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

MYELIN = harness.myelin_path()
V3 = "/_matrix/client/v3"
R0 = "/_matrix/client/r0"

server = None
alice = None  # register() result: user_id, access_token, device_id


def setUpModule():
    global server, alice
    server = harness.Homeserver(MYELIN)
    with harness.closed_on_failure(server):
        server.start()
        alice = server.register("alice")


def tearDownModule():
    try:
        # Whatever came before, the server still answers and then stops cleanly (status 0).
        if server.alive():
            assert server.versions_ok(), "server no longer answers /versions"
        server.close()
    except BaseException:
        print(server.stderr_tail(), file=sys.stderr)
        raise


class ErrorAssertions(unittest.TestCase):
    def setUp(self):
        server.revive()

    def assertError(self, response, status, errcode):
        got_status, body = response
        self.assertEqual(got_status, status, body)
        self.assertIsInstance(body, dict, "error bodies are JSON objects: %r" % (body,))
        self.assertEqual(body.get("errcode"), errcode, body)
        # "error" is an optional human-readable string; when present it must be a string.
        if "error" in body:
            self.assertIsInstance(body["error"], str)

    def tearDown(self):
        self.assertTrue(server.alive(), server.death_report())


class NotJsonTest(ErrorAssertions):
    def test_malformed_json_bodies(self):
        for bad in [b"{", b"{not json}", b'{"name": }', b"[1,]", b"\xff\xfe",
                    b'{"name": "a"} trailing', b'{"name": "\xc3\x28"}', b"",
                    b'{"a": NaN}', b"{'single': 'quotes'}"]:
            with self.subTest(body=bad):
                self.assertError(server.request("POST", V3 + "/createRoom", bad,
                                                token=alice["access_token"],
                                                headers={"Content-Type": "application/json"}),
                                 400, "M_NOT_JSON")

    def test_malformed_json_unauthenticated_endpoint(self):
        self.assertError(server.request("POST", V3 + "/login", b'{"type": "m.login.password"',
                                        headers={"Content-Type": "application/json"}),
                         400, "M_NOT_JSON")

    def test_malformed_json_on_put(self):
        status, room = server.request("POST", V3 + "/createRoom", {},
                                      token=alice["access_token"])
        self.assertEqual(status, 200, room)
        path = "%s/rooms/%s/send/m.room.message/txn-bad-1" % (V3, harness.quote(room["room_id"]))
        self.assertError(server.request("PUT", path, b'{"body": "x", ', token=alice["access_token"],
                                        headers={"Content-Type": "application/json"}),
                         400, "M_NOT_JSON")


class BadJsonTest(ErrorAssertions):
    def test_create_room_wrong_types(self):
        for body in [{"name": 5}, {"topic": ["x"]}, {"preset": 1}, {"invite": "@bob:localhost"},
                     {"initial_state": {}}, {"is_direct": "yes"}, {"visibility": 3},
                     {"room_version": 10}, {"creation_content": []}]:
            with self.subTest(body=body):
                self.assertError(server.request("POST", V3 + "/createRoom", body,
                                                token=alice["access_token"]),
                                 400, "M_BAD_JSON")

    def test_register_wrong_types(self):
        for body in [{"username": 5, "password": "pw"}, {"username": "carol", "password": 5},
                     {"username": ["carol"], "password": "pw"}]:
            with self.subTest(body=body):
                self.assertError(server.request("POST", V3 + "/register", body), 400,
                                 "M_BAD_JSON")

    def test_body_not_an_object(self):
        for body in [b"[]", b"5", b'"text"', b"null"]:
            with self.subTest(body=body):
                self.assertError(server.request("POST", V3 + "/createRoom", body,
                                                token=alice["access_token"],
                                                headers={"Content-Type": "application/json"}),
                                 400, "M_BAD_JSON")

    def test_login_wrong_types(self):
        self.assertError(server.request("POST", V3 + "/login",
                                        {"type": "m.login.password",
                                         "identifier": {"type": "m.id.user", "user": 5},
                                         "password": "pw"}),
                         400, "M_BAD_JSON")


class UnrecognizedTest(ErrorAssertions):
    def test_unknown_endpoints(self):
        for method, path in [("GET", V3 + "/no_such_endpoint"),
                             ("POST", V3 + "/rooms/!a:localhost/no_such_thing"),
                             ("GET", "/_matrix/client/v99/sync"),
                             ("GET", "/_matrix/nothing_here"),
                             ("GET", R0 + "/no_such_endpoint")]:
            with self.subTest(method=method, path=path):
                self.assertError(server.request(method, path, token=alice["access_token"]),
                                 404, "M_UNRECOGNIZED")

    def test_wrong_method(self):
        for method, path in [("GET", V3 + "/createRoom"), ("DELETE", V3 + "/login"),
                             ("POST", V3 + "/account/whoami"), ("PUT", V3 + "/sync"),
                             ("POST", "/_matrix/client/versions")]:
            with self.subTest(method=method, path=path):
                self.assertError(server.request(method, path, b"{}",
                                                token=alice["access_token"],
                                                headers={"Content-Type": "application/json"}),
                                 405, "M_UNRECOGNIZED")


class TokenTest(ErrorAssertions):
    def test_missing_token(self):
        for method, path in [("GET", V3 + "/account/whoami"), ("GET", V3 + "/sync"),
                             ("POST", V3 + "/createRoom"), ("GET", R0 + "/joined_rooms")]:
            with self.subTest(method=method, path=path):
                self.assertError(server.request(method, path, {} if method == "POST" else None),
                                 401, "M_MISSING_TOKEN")

    def test_unknown_token(self):
        for token in ["syt_bogus_token", alice["access_token"] + "x", "a"]:
            with self.subTest(token=token):
                self.assertError(server.request("GET", V3 + "/account/whoami", token=token),
                                 401, "M_UNKNOWN_TOKEN")

    def test_unknown_token_in_query(self):
        self.assertError(server.request("GET", V3 + "/account/whoami?access_token=nonsense"),
                         401, "M_UNKNOWN_TOKEN")

    def test_valid_token_in_query(self):
        status, body = server.request(
            "GET", V3 + "/account/whoami?access_token=" + harness.quote(alice["access_token"]))
        self.assertEqual(status, 200, body)
        self.assertEqual(body["user_id"], alice["user_id"])

    def test_malformed_authorization_header(self):
        # Not a Bearer token at all: the request carries no access token the spec recognises.
        status, body = server.request("GET", V3 + "/account/whoami",
                                      headers={"Authorization": "Basic YWxpY2U6cHc="})
        self.assertEqual(status, 401, body)
        self.assertIn(body.get("errcode"), ("M_MISSING_TOKEN", "M_UNKNOWN_TOKEN"), body)

    def test_token_after_logout(self):
        status, login = server.request("POST", V3 + "/login", {
            "type": "m.login.password", "identifier": {"type": "m.id.user", "user": "alice"},
            "password": "correct horse battery staple"})
        self.assertEqual(status, 200, login)
        token = login["access_token"]
        self.assertEqual(server.request("GET", V3 + "/account/whoami", token=token)[0], 200)
        status, body = server.request("POST", V3 + "/logout", {}, token=token)
        self.assertEqual(status, 200, body)
        self.assertError(server.request("GET", V3 + "/account/whoami", token=token),
                         401, "M_UNKNOWN_TOKEN")
        # The other device's token is untouched.
        self.assertEqual(server.request("GET", V3 + "/account/whoami",
                                        token=alice["access_token"])[0], 200)


class TooLargeTest(ErrorAssertions):
    def send_oversized(self, path, size, chunked=False):
        """Streams `size` bytes of a JSON-looking body, stopping as soon as the server answers.

        The server may refuse on the headers alone; reading its answer while still sending keeps
        a connection reset from destroying the response in our receive buffer.
        """
        sock = socket.create_connection((server.host, server.port), timeout=60)
        received = b""
        try:
            head = ["POST %s HTTP/1.1" % path, "Host: %s:%d" % (server.host, server.port),
                    "Authorization: Bearer " + alice["access_token"],
                    "Content-Type: application/json"]
            head.append("Transfer-Encoding: chunked" if chunked else "Content-Length: %d" % size)
            pending = ("\r\n".join(head) + "\r\n\r\n").encode()
            block = b'{"name": "' + b"a" * (1 << 20)
            remaining = size
            finished = False  # the body (and for chunked, its last chunk) has been queued
            sock.setblocking(False)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                want_write = bool(pending) or not finished
                readable, writable, _ = select.select([sock], [sock] if want_write else [], [],
                                                      1.0)
                if readable:
                    try:
                        data = sock.recv(65536)
                    except ConnectionResetError:
                        data = b""
                    except BlockingIOError:
                        continue
                    if not data:
                        break
                    received += data
                    if self._complete(received):
                        break
                elif writable:
                    if not pending:
                        if remaining > 0:
                            piece = block[:min(len(block), remaining)]
                            remaining -= len(piece)
                            pending = b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece
                        else:
                            pending = b"0\r\n\r\n" if chunked else b""
                            finished = True
                            if not pending:
                                continue
                    try:
                        pending = pending[sock.send(pending):]
                    except (BrokenPipeError, ConnectionResetError):
                        pending, finished = b"", True  # it stopped reading; await its answer
                    except BlockingIOError:
                        pass
        finally:
            sock.close()
        self.assertIn(b"\r\n\r\n", received, "no HTTP response to an oversized body")
        head, _, body = received.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = self._content_length(head)
        return status, json.loads(body[:length] if length is not None else body or b"null")

    @staticmethod
    def _content_length(head):
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                return int(value.strip())
        return None

    def _complete(self, received):
        head, _, body = received.partition(b"\r\n\r\n")
        length = self._content_length(head)
        return length is not None and len(body) >= length

    def test_60_mib_body(self):
        self.assertError(self.send_oversized(V3 + "/createRoom", 60 << 20), 413, "M_TOO_LARGE")

    def test_60_mib_chunked_body(self):
        self.assertError(self.send_oversized(V3 + "/createRoom", 60 << 20, chunked=True),
                         413, "M_TOO_LARGE")


class InvalidIdTest(ErrorAssertions):
    def setUp(self):
        super().setUp()
        self.token = alice["access_token"]

    def test_invalid_room_id_in_path(self):
        for room in ["not_a_room", "!", "!nocolon", "@alice:localhost"]:
            q = harness.quote(room)
            for method, path, body in [
                    ("PUT", "%s/rooms/%s/send/m.room.message/t1" % (V3, q), {"body": "x"}),
                    ("GET", "%s/rooms/%s/state" % (V3, q), None),
                    ("GET", "%s/rooms/%s/messages?dir=b" % (V3, q), None),
                    ("POST", "%s/rooms/%s/leave" % (V3, q), {})]:
                with self.subTest(method=method, path=path):
                    self.assertError(server.request(method, path, body, token=self.token),
                                     400, "M_INVALID_PARAM")

    def test_join_invalid_room_id_or_alias(self):
        for target in ["not_a_room", "!nocolon", "#nocolon"]:
            with self.subTest(target=target):
                self.assertError(server.request("POST", V3 + "/join/" + harness.quote(target), {},
                                                token=self.token),
                                 400, "M_INVALID_PARAM")

    def test_unknown_but_valid_room(self):
        room = harness.quote("!doesnotexist:localhost")
        # The spec's answer for a room the user is not in: 403 M_FORBIDDEN (state, send) or
        # 404 M_NOT_FOUND; never a 5xx.
        for method, path, body in [
                ("GET", "%s/rooms/%s/state" % (V3, room), None),
                ("PUT", "%s/rooms/%s/send/m.room.message/t2" % (V3, room), {"body": "x"}),
                ("GET", "%s/rooms/%s/messages?dir=b" % (V3, room), None)]:
            with self.subTest(method=method, path=path):
                status, body = server.request(method, path, body, token=self.token)
                self.assertIn((status, body.get("errcode")),
                              [(403, "M_FORBIDDEN"), (404, "M_NOT_FOUND")], body)
        self.assertError(server.request("POST", V3 + "/join/" + room, {}, token=self.token),
                         404, "M_NOT_FOUND")

    def test_unknown_alias(self):
        self.assertError(server.request("GET", V3 + "/directory/room/" +
                                        harness.quote("#nope:localhost")),
                         404, "M_NOT_FOUND")

    def test_invalid_user_id_in_path(self):
        for user in ["alice", "@", "@alice", "!room:localhost"]:
            q = harness.quote(user)
            for method, path in [("GET", "%s/profile/%s" % (V3, q)),
                                 ("GET", "%s/profile/%s/displayname" % (V3, q)),
                                 ("GET", "%s/user/%s/account_data/m.x" % (V3, q))]:
                with self.subTest(method=method, path=path):
                    self.assertError(server.request(method, path, token=self.token),
                                     400, "M_INVALID_PARAM")

    def test_invalid_user_id_in_body(self):
        status, room = server.request("POST", V3 + "/createRoom", {}, token=self.token)
        self.assertEqual(status, 200, room)
        path = "%s/rooms/%s/invite" % (V3, harness.quote(room["room_id"]))
        for user in ["bob", "@", "#bob:localhost"]:
            with self.subTest(user=user):
                self.assertError(server.request("POST", path, {"user_id": user},
                                                token=self.token),
                                 400, "M_INVALID_PARAM")

    def test_unknown_profile(self):
        self.assertError(server.request("GET", V3 + "/profile/" +
                                        harness.quote("@nobody:localhost"), token=self.token),
                         404, "M_NOT_FOUND")


class RegisterTest(ErrorAssertions):
    def test_invalid_usernames(self):
        # Historical user IDs aside, new localparts are [a-z0-9._=/+-] (appendices, user IDs).
        for name in ["has space", "colon:inside", "caf\u00e9", "@dan", "a#b", "x" * 300]:
            with self.subTest(name=name):
                self.assertError(server.request("POST", V3 + "/register", {
                    "username": name, "password": "pw", "auth": {"type": "m.login.dummy"}}),
                    400, "M_INVALID_USERNAME")
                self.assertError(server.request("GET", V3 + "/register/available?username=" +
                                                harness.quote(name)),
                                 400, "M_INVALID_USERNAME")

    def test_user_in_use(self):
        self.assertError(server.request("POST", V3 + "/register", {
            "username": "alice", "password": "pw", "auth": {"type": "m.login.dummy"}}),
            400, "M_USER_IN_USE")
        self.assertError(server.request("GET", V3 + "/register/available?username=alice"),
                         400, "M_USER_IN_USE")

    def test_available(self):
        status, body = server.request("GET", V3 + "/register/available?username=nobody_yet")
        self.assertEqual((status, body), (200, {"available": True}))

    def test_wrong_password(self):
        self.assertError(server.request("POST", V3 + "/login", {
            "type": "m.login.password", "identifier": {"type": "m.id.user", "user": "alice"},
            "password": "wrong"}), 403, "M_FORBIDDEN")

    def test_unknown_login_type(self):
        self.assertError(server.request("POST", V3 + "/login", {"type": "m.login.magic"}),
                         400, "M_UNKNOWN")


class GarbageTest(ErrorAssertions):
    def test_garbage_bytes_never_crash(self):
        for garbage in [b"GARBAGE\r\n\r\n", b"\x00\x01\x02\x03" * 100, b"GET / HTTP/9.9\r\n\r\n",
                        b"POST /_matrix/client/v3/login HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                        b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\n\r\n"]:
            with self.subTest(garbage=garbage[:30]):
                sock = socket.create_connection((server.host, server.port), timeout=10)
                try:
                    sock.sendall(garbage)
                    sock.shutdown(socket.SHUT_WR)
                    try:
                        while sock.recv(65536):
                            pass
                    except (ConnectionResetError, socket.timeout):
                        pass
                finally:
                    sock.close()
                self.assertTrue(server.versions_ok(), server.stderr_tail())

    def test_bad_query_parameters(self):
        status, room = server.request("POST", V3 + "/createRoom", {}, token=alice["access_token"])
        self.assertEqual(status, 200, room)
        base = "%s/rooms/%s/messages" % (V3, harness.quote(room["room_id"]))
        for query in ["?dir=sideways", "?dir=b&limit=notanumber", "?dir=b&from=not_a_token"]:
            with self.subTest(query=query):
                status, body = server.request("GET", base + query, token=alice["access_token"])
                self.assertEqual(status, 400, body)
                self.assertIn(body.get("errcode"), ("M_INVALID_PARAM", "M_UNKNOWN"), body)


class StillAliveTest(unittest.TestCase):
    def setUp(self):
        server.revive()

    def test_zz_versions_after_everything(self):
        # Named to sort last; tearDownModule checks again after every class has run.
        self.assertTrue(server.versions_ok(), server.stderr_tail())


if __name__ == "__main__":
    unittest.main(verbosity=2)
