#!/usr/bin/python3
"""E-mail against a real SMTP server on loopback (aiosmtpd, tests/e2e/smtp_sink.py).

Spec client-server API "Account registration" (email/requestToken, m.login.email.identity),
"Adding Account Administrative Contact Information" (/account/3pid/*), "Password management"
(password reset by e-mail), with Synapse's answers where the spec leaves room. Every mail is
read from the sink and its link followed; relays with STARTTLS (trusted through
trusted_ca_files, or not), AUTH, implicit TLS, none listening and one refusing twice with 451.

Usage: email_test.py PATH_TO_MYELIN
"""
import os
import re
import shutil
import socket
import sys
import tempfile
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import smtp_sink  # noqa: E402

MYELIN = harness.myelin_path()
V3 = "/_matrix/client/v3"
PASSWORD = "correct horse battery staple"
NOTIF_FROM = "Your %(app)s homeserver <noreply@example.org>"


# Synapse's rc_3pid_validation default (burst 5) would stop these tests' many requestTokens.
RATE_LIMITS = "rc_3pid_validation: {per_second: 100, burst_count: 100}\n"


def email_config(port, host="127.0.0.1", extra="", registration="{mode: open, require_email: true}"):
    return ("%sregistration: %s\nemail:\n  smtp_host: %s\n  smtp_port: %d\n"
            "  notif_from: \"%s\"\n  app_name: Myelin\n%s" % (RATE_LIMITS, registration, host,
                                                             port, NOTIF_FROM, extra))


def free_port():
    """A loopback port nothing listens on (bound and released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def link_of(message):
    """The validation link in a mail, as (path, query dict)."""
    body = message["message"].get_content()
    match = re.search(r"https?://\S+submit_token\?\S+", body)
    assert match, body
    url = urllib.parse.urlsplit(match.group(0))
    return url.path + "?" + url.query, dict(urllib.parse.parse_qsl(url.query))


class EmailTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="myelin-email-")
        self.closers = []

    def tearDown(self):
        for close in reversed(self.closers):
            close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def sink(self, name="mail", **kwargs):
        sink = smtp_sink.SmtpSink(os.path.join(self.tmp, name), **kwargs).start()
        self.closers.append(sink.stop)
        return sink

    def server(self, config):
        server = harness.Homeserver(MYELIN, config=config)
        self.closers.append(server.close)
        server.start()
        return server

    def request_token(self, server, kind, address, secret, attempt=1):
        path = {"register": V3 + "/register/email/requestToken",
                "3pid": V3 + "/account/3pid/email/requestToken",
                "password": V3 + "/account/password/email/requestToken"}[kind]
        return server.request("POST", path, {"client_secret": secret, "email": address,
                                             "send_attempt": attempt})

    def register_with_email(self, server, sink, username, address, secret):
        status, body = self.request_token(server, "register", address, secret)
        self.assertEqual(status, 200, body)
        sid = body["sid"]
        path, _ = link_of(sink.messages()[-1])
        status, page = server.request("GET", path)
        self.assertEqual(status, 200, page)
        reg = {"username": username, "password": PASSWORD}
        status, challenge = server.request("POST", V3 + "/register", reg)
        self.assertEqual(status, 401, challenge)
        reg["auth"] = {"type": "m.login.email.identity", "session": challenge["session"],
                       "threepid_creds": {"sid": sid, "client_secret": secret}}
        status, body = server.request("POST", V3 + "/register", reg)
        self.assertEqual(status, 200, body)
        return body

    def test_registration_3pid_login_and_password_reset(self):
        sink = self.sink()
        server = self.server(email_config(sink.port))

        # The flows say exactly what the configuration asks for.
        status, challenge = server.request("POST", V3 + "/register",
                                           {"username": "alice", "password": PASSWORD})
        self.assertEqual(status, 401)
        self.assertEqual(challenge["flows"], [{"stages": ["m.login.email.identity"]}])

        # requestToken: a mail with a link to this server, RFC 5322 headers.
        status, body = self.request_token(server, "register", "Alice@Example.org", "secret-1")
        self.assertEqual(status, 200, body)
        sid = body["sid"]
        mails = sink.messages()
        self.assertEqual(len(mails), 1)
        mail = mails[0]["message"]
        self.assertEqual(mail["To"], "alice@example.org")
        self.assertEqual(mail["From"], "Your Myelin homeserver <noreply@example.org>")
        self.assertIn("Validate your email", mail["Subject"])
        self.assertTrue(mail["Message-ID"].startswith("<") and mail["Message-ID"].endswith(">"))
        self.assertIsNotNone(mail["Date"].datetime)
        self.assertEqual(mail["MIME-Version"], "1.0")
        self.assertEqual(mail.get_content_type(), "text/plain")
        self.assertEqual(mail.get_content_charset(), "utf-8")
        self.assertEqual(mails[0]["meta"]["mail_from"], "noreply@example.org")
        self.assertEqual(mails[0]["meta"]["rcpt_tos"], ["alice@example.org"])
        path, query = link_of(mails[0])
        self.assertTrue(path.startswith("/_matrix/client/unstable/registration/email/submit_token"))
        self.assertEqual(query["sid"], sid)
        self.assertEqual(query["client_secret"], "secret-1")

        # The same send_attempt sends nothing new and answers the same sid (spec).
        status, body = self.request_token(server, "register", "alice@example.org", "secret-1")
        self.assertEqual((status, body["sid"]), (200, sid))
        self.assertEqual(len(sink.messages()), 1)

        # Registration before the link was followed: the stage is not complete.
        reg = {"username": "alice", "password": PASSWORD}
        status, challenge = server.request("POST", V3 + "/register", reg)
        reg["auth"] = {"type": "m.login.email.identity", "session": challenge["session"],
                       "threepid_creds": {"sid": sid, "client_secret": "secret-1"}}
        status, body = server.request("POST", V3 + "/register", reg)
        self.assertEqual(status, 401, body)
        self.assertEqual(body.get("errcode"), "M_UNAUTHORIZED")
        self.assertEqual(body.get("completed", []), [])

        # A wrong token is refused; the right one validates (a small HTML page).
        status, page = server.request("GET", path.replace("token=", "token=x"))
        self.assertEqual(status, 400)
        status, headers, page = server.request_full("GET", path)
        self.assertEqual(status, 200)
        self.assertIn("text/html", headers["content-type"])
        self.assertIn(b"validated", page)

        status, body = server.request("POST", V3 + "/register", reg)
        self.assertEqual(status, 200, body)
        alice = body
        self.assertEqual(alice["user_id"], "@alice:localhost")

        # The address is bound now.
        status, body = server.request("GET", V3 + "/account/3pid", token=alice["access_token"])
        self.assertEqual(status, 200)
        self.assertEqual([(t["medium"], t["address"]) for t in body["threepids"]],
                         [("email", "alice@example.org")])
        self.assertGreater(body["threepids"][0]["validated_at"], 0)
        self.assertGreater(body["threepids"][0]["added_at"], 0)
        status, body = self.request_token(server, "register", "alice@example.org", "secret-2")
        self.assertEqual((status, body.get("errcode")), (400, "M_THREEPID_IN_USE"))
        status, body = self.request_token(server, "3pid", "ALICE@example.org", "secret-2")
        self.assertEqual((status, body.get("errcode")), (400, "M_THREEPID_IN_USE"))

        # Login with the address.
        login = {"type": "m.login.password", "password": PASSWORD,
                 "identifier": {"type": "m.id.thirdparty", "medium": "email",
                                "address": "alice@example.org"}}
        status, body = server.request("POST", V3 + "/login", login)
        self.assertEqual((status, body.get("user_id")), (200, "@alice:localhost"))
        login["identifier"]["address"] = "nobody@example.org"
        status, body = server.request("POST", V3 + "/login", login)
        self.assertEqual((status, body.get("errcode")), (403, "M_FORBIDDEN"))

        # Adding a second address, listing, deleting; bind/unbind have no identity server.
        token = alice["access_token"]
        status, body = self.request_token(server, "3pid", "alice2@example.org", "secret-3")
        self.assertEqual(status, 200, body)
        sid3 = body["sid"]
        add = {"client_secret": "secret-3", "sid": sid3}
        status, challenge = server.request("POST", V3 + "/account/3pid/add", add, token=token)
        self.assertEqual(status, 401, challenge)
        add["auth"] = {"type": "m.login.password", "session": challenge["session"],
                       "identifier": {"type": "m.id.user", "user": "alice"},
                       "password": PASSWORD}
        status, body = server.request("POST", V3 + "/account/3pid/add", add, token=token)
        self.assertEqual((status, body.get("errcode")), (403, "M_THREEPID_AUTH_FAILED"))
        path3, _ = link_of(sink.messages()[-1])
        self.assertIn("/add_threepid/email/submit_token", path3)
        self.assertEqual(server.request("GET", path3)[0], 200)
        status, challenge = server.request("POST", V3 + "/account/3pid/add",
                                           {"client_secret": "secret-3", "sid": sid3},
                                           token=token)
        add["auth"]["session"] = challenge["session"]
        status, body = server.request("POST", V3 + "/account/3pid/add", add, token=token)
        self.assertEqual(status, 200, body)
        status, body = server.request("GET", V3 + "/account/3pid", token=token)
        self.assertEqual(sorted(t["address"] for t in body["threepids"]),
                         ["alice2@example.org", "alice@example.org"])
        status, body = server.request("POST", V3 + "/account/3pid/delete",
                                      {"medium": "email", "address": "alice2@example.org"},
                                      token=token)
        self.assertEqual((status, body), (200, {"id_server_unbind_result": "no-support"}))
        status, body = server.request("GET", V3 + "/account/3pid", token=token)
        self.assertEqual([t["address"] for t in body["threepids"]], ["alice@example.org"])
        status, body = server.request("POST", V3 + "/account/3pid/unbind",
                                      {"medium": "email", "address": "alice@example.org"},
                                      token=token)
        self.assertEqual((status, body), (200, {"id_server_unbind_result": "no-support"}))
        status, body = server.request("POST", V3 + "/account/3pid/bind",
                                      {"client_secret": "s", "sid": "x", "id_server": "id.example",
                                       "id_access_token": "t"}, token=token)
        self.assertEqual(status, 403, body)
        self.assertEqual(server.request("GET", V3 + "/account/3pid")[0], 401)

        # Password reset by e-mail.
        status, body = self.request_token(server, "password", "nobody@example.org", "secret-4")
        self.assertEqual((status, body.get("errcode")), (400, "M_THREEPID_NOT_FOUND"))
        status, body = self.request_token(server, "password", "alice@example.org", "secret-4")
        self.assertEqual(status, 200, body)
        sid4 = body["sid"]
        mail = sink.messages()[-1]
        self.assertIn("Password reset", mail["message"]["Subject"])
        path4, _ = link_of(mail)
        self.assertTrue(path4.startswith("/_synapse/client/password_reset/email/submit_token"))

        reset = {"new_password": "a new password", "logout_devices": True}
        status, challenge = server.request("POST", V3 + "/account/password", reset)
        self.assertEqual(status, 401, challenge)
        self.assertEqual(challenge["flows"], [{"stages": ["m.login.email.identity"]}])
        reset["auth"] = {"type": "m.login.email.identity", "session": challenge["session"],
                         "threepid_creds": {"sid": sid4, "client_secret": "secret-4"}}
        status, body = server.request("POST", V3 + "/account/password", reset)
        self.assertEqual(status, 401, body)  # the link was not followed yet
        self.assertEqual(server.request("GET", path4)[0], 200)
        status, body = server.request("POST", V3 + "/account/password", reset)
        self.assertEqual(status, 200, body)

        login = {"type": "m.login.password", "password": PASSWORD,
                 "identifier": {"type": "m.id.user", "user": "alice"}}
        self.assertEqual(server.request("POST", V3 + "/login", login)[0], 403)
        login["password"] = "a new password"
        self.assertEqual(server.request("POST", V3 + "/login", login)[0], 200)
        # Other devices were logged out.
        self.assertEqual(server.request("GET", V3 + "/account/whoami", token=token)[0], 401)
        # The used session cannot reset the password again.
        reset["new_password"] = "third"
        status, challenge = server.request("POST", V3 + "/account/password",
                                           {"new_password": "third"})
        reset["auth"]["session"] = challenge["session"]
        self.assertEqual(server.request("POST", V3 + "/account/password", reset)[0], 401)

        # With an access token the route still works as before; a bad one is refused.
        status, body = server.request("POST", V3 + "/account/password",
                                      {"new_password": "x"}, token="not-a-token")
        self.assertEqual((status, body.get("errcode")), (401, "M_UNKNOWN_TOKEN"))

    def test_deactivation_frees_the_address_and_capabilities_say_3pids_change(self):
        sink = self.sink()
        server = self.server(email_config(sink.port))
        first = self.register_with_email(server, sink, "first", "shared@example.org", "s-1")
        token = first["access_token"]
        status, caps = server.request("GET", V3 + "/capabilities", token=token)
        self.assertEqual(status, 200, caps)
        self.assertEqual(caps["capabilities"]["m.3pid_changes"], {"enabled": True})
        status, body = self.request_token(server, "register", "shared@example.org", "s-2")
        self.assertEqual((status, body["errcode"]), (400, "M_THREEPID_IN_USE"))
        status, challenge = server.request("POST", V3 + "/account/deactivate", {}, token=token)
        self.assertEqual(status, 401, challenge)
        status, body = server.request("POST", V3 + "/account/deactivate", {"auth": {
            "type": "m.login.password", "session": challenge["session"], "password": PASSWORD,
            "identifier": {"type": "m.id.user", "user": "first"}}}, token=token)
        self.assertEqual(status, 200, body)
        # The address is free again for a new account (as Synapse).
        self.register_with_email(server, sink, "second", "shared@example.org", "s-3")

    def test_bad_input(self):
        sink = self.sink()
        server = self.server(email_config(sink.port))
        for body in ({"email": "a@b.c", "send_attempt": 1},
                     {"client_secret": "s", "send_attempt": 1},
                     {"client_secret": "s", "email": "a@b.c"}):
            status, answer = server.request("POST", V3 + "/register/email/requestToken", body)
            self.assertEqual((status, answer.get("errcode")), (400, "M_MISSING_PARAM"), body)
        status, answer = self.request_token(server, "register", "a@b.c", "bad secret!")
        self.assertEqual((status, answer.get("errcode")), (400, "M_INVALID_PARAM"))
        status, answer = self.request_token(server, "register", "not-an-address", "s")
        self.assertEqual((status, answer.get("errcode")), (400, "M_INVALID_PARAM"))
        status, answer = server.request("POST", V3 + "/register/email/requestToken",
                                        {"client_secret": "s", "email": "a@b.c",
                                         "send_attempt": 1, "next_link": "javascript:alert(1)"})
        self.assertEqual((status, answer.get("errcode")), (400, "M_INVALID_PARAM"))
        self.assertEqual(sink.messages(), [])
        status, _ = server.request("GET", "/_matrix/client/unstable/registration/email/"
                                   "submit_token?sid=x")
        self.assertEqual(status, 400)

    def test_next_link_receives_the_browser(self):
        sink = self.sink()
        server = self.server(email_config(sink.port))
        status, body = server.request("POST", V3 + "/register/email/requestToken",
                                      {"client_secret": "s1", "email": "h@example.org",
                                       "send_attempt": 1,
                                       "next_link": "https://app.example/welcome?x=1"})
        self.assertEqual(status, 200, body)
        path, _ = link_of(sink.messages()[-1])
        status, headers, _ = server.request_full("GET", path)
        self.assertEqual(status, 302)
        self.assertEqual(headers["location"], "https://app.example/welcome?x=1")

    def test_starttls_with_a_trusted_ca_and_auth(self):
        cert, key = smtp_sink.make_certificate(self.tmp)
        sink = self.sink(tls="starttls", cert=cert, key=key, require_tls=True, auth="relay:pw")
        server = self.server(email_config(
            sink.port, host="localhost", registration="{mode: token}",
            extra="  smtp_user: relay\n  smtp_pass: pw\n  require_transport_security: true\n"
                  "trusted_ca_files: [\"%s\"]\n" % cert))
        status, body = self.request_token(server, "3pid", "bob@example.org", "s1")
        self.assertEqual(status, 200, body)
        [mail] = sink.messages()
        self.assertTrue(mail["meta"]["tls"])
        self.assertEqual(mail["meta"]["auth_user"], "relay")
        self.assertEqual(mail["meta"]["rcpt_tos"], ["bob@example.org"])

    def test_implicit_tls(self):
        cert, key = smtp_sink.make_certificate(self.tmp)
        sink = self.sink(tls="implicit", cert=cert, key=key)
        server = self.server(email_config(
            sink.port, host="localhost", registration="{mode: token}",
            extra="  force_tls: true\ntrusted_ca_files: [\"%s\"]\n" % cert))
        status, body = self.request_token(server, "3pid", "carol@example.org", "s1")
        self.assertEqual(status, 200, body)
        [mail] = sink.messages()
        self.assertTrue(mail["meta"]["tls"])

    def test_untrusted_certificate_is_refused(self):
        cert, key = smtp_sink.make_certificate(self.tmp)
        sink = self.sink(tls="starttls", cert=cert, key=key, require_tls=True)
        server = self.server(email_config(sink.port, host="localhost",
                                          registration="{mode: token}"))
        status, body = self.request_token(server, "3pid", "dave@example.org", "s1")
        self.assertEqual((status, body.get("errcode")), (500, "M_UNKNOWN"), body)
        self.assertIn("Unable to send email", body["error"])
        self.assertIn("certificate", body["error"])
        self.assertEqual(sink.messages(), [])
        # The host name is checked too: a certificate for another name is refused.
        other_cert, other_key = smtp_sink.make_certificate(self.tmp, "mail.example.net")
        other = self.sink("other", tls="starttls", cert=other_cert, key=other_key)
        server2 = self.server(email_config(
            other.port, host="localhost", registration="{mode: token}",
            extra="trusted_ca_files: [\"%s\"]\n" % other_cert))
        status, body = self.request_token(server2, "3pid", "dave@example.org", "s1")
        self.assertEqual((status, body.get("errcode")), (500, "M_UNKNOWN"), body)
        self.assertEqual(other.messages(), [])

    def test_smtp_down_is_reported(self):
        server = self.server(email_config(free_port(), registration="{mode: token}"))
        status, body = self.request_token(server, "3pid", "erin@example.org", "s1")
        self.assertEqual((status, body.get("errcode")), (500, "M_UNKNOWN"), body)
        self.assertIn("Unable to send email", body["error"])
        # Nothing was sent, so the same send_attempt tries again.
        status, body = self.request_token(server, "3pid", "erin@example.org", "s1")
        self.assertEqual(status, 500)

    def test_transient_failures_are_retried(self):
        sink = self.sink(fail_first=2)
        server = self.server(email_config(sink.port, registration="{mode: token}"))
        status, body = self.request_token(server, "3pid", "frank@example.org", "s1")
        self.assertEqual(status, 200, body)
        self.assertEqual(sink.rejected, 2)
        self.assertEqual(len(sink.messages()), 1)

    def test_deferral_on_every_attempt_is_reported(self):
        # 451 on every attempt: the client hears of it after the last one.
        sink = self.sink(fail_first=10)
        server = self.server(email_config(sink.port, registration="{mode: token}"))
        status, body = self.request_token(server, "3pid", "gina@example.org", "s1")
        self.assertEqual((status, body.get("errcode")), (500, "M_UNKNOWN"), body)
        self.assertEqual(sink.rejected, 3)  # every attempt, then the error

    def test_require_email_needs_email(self):
        server = harness.Homeserver(MYELIN, config="registration: {mode: open, require_email: true}\n")
        self.closers.append(server.close)
        with self.assertRaises(harness.ServerError) as failure:
            server.start()
        self.assertIn("registration.require_email", str(failure.exception) + server.stderr_tail())


if __name__ == "__main__":
    unittest.main(verbosity=2)
