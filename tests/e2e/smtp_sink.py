"""A real SMTP server on loopback for the e-mail tests (aiosmtpd from Debian's python3-aiosmtpd).

Plain, STARTTLS (optionally required) or implicit TLS with a throwaway certificate, optional
AUTH, and optionally a transient refusal (451) of the first N recipients to prove that the
homeserver retries. Each accepted message is written to a directory as msg-<n>.eml, with
msg-<n>.json beside it (envelope, whether TLS and AUTH were used).

As a module: SmtpSink(...).start() / .port / .messages() / .stop(). As a program (for the
matrix-js-sdk tests): `smtp_sink.py --dir DIR [--starttls|--implicit-tls] [--require-tls]
[--cert C --key K] [--auth USER:PASS] [--fail-first N]` prints
"smtp_sink: listening on 127.0.0.1:PORT" and runs until stdin closes or SIGTERM.
"""
import argparse
import email
import email.policy
import json
import os
import signal
import ssl
import subprocess
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def make_certificate(directory, name="localhost"):
    """A self-signed certificate for `name` (and 127.0.0.1), made by `openssl req`; returns
    (certificate path, key path). Being self-signed, it is its own CA for trusted_ca_files."""
    cert = os.path.join(directory, name + "-cert.pem")
    key = os.path.join(directory, name + "-key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", key, "-out", cert, "-subj", "/CN=" + name,
         "-addext", "subjectAltName=DNS:%s,IP:127.0.0.1" % name,
         "-addext", "basicConstraints=critical,CA:TRUE"],
        check=True, capture_output=True)
    return cert, key


class _Handler:
    def __init__(self, directory, fail_first):
        self.directory = directory
        self.failures_left = fail_first
        self.rejected = 0
        self.delivered = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            if self.failures_left > 0:
                self.failures_left -= 1
                self.rejected += 1
                return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.delivered += 1
            n = self.delivered
        base = os.path.join(self.directory, "msg-%03d" % n)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                "tls": (session.ssl is not None or
                        server.transport.get_extra_info("ssl_object") is not None),
                "auth_user": session.auth_data.decode() if isinstance(
                    session.auth_data, bytes) else session.auth_data}
        with open(base + ".json", "w") as f:
            json.dump(meta, f)
        os.rename(base + ".eml.tmp", base + ".eml")  # the .eml appears complete or not at all
        return "250 Message accepted for delivery"


class _PortZeroController(Controller):
    """aiosmtpd's Controller, bound to port 0: the real port is read from the socket before the
    controller connects to itself to check it is up."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SmtpSink:
    def __init__(self, directory, tls=None, cert=None, key=None, require_tls=False, auth=None,
                 fail_first=0):
        """tls: None, "starttls" or "implicit"; auth: "user:password" or None."""
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        self.handler = _Handler(directory, fail_first)
        kwargs = {}
        if tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert, key)
            if tls == "implicit":
                kwargs["ssl_context"] = context
            else:
                kwargs["tls_context"] = context
                kwargs["require_starttls"] = require_tls
        if auth:
            user, password = auth.split(":", 1)

            def authenticator(server, session, envelope, mechanism, auth_data):
                ok = (auth_data.login.decode() == user and
                      auth_data.password.decode() == password)
                return AuthResult(success=ok, auth_data=auth_data.login.decode() if ok else None)

            kwargs["authenticator"] = authenticator
            kwargs["auth_required"] = True
            kwargs["auth_require_tls"] = bool(tls)
        self.controller = _PortZeroController(self.handler, hostname="127.0.0.1", port=0,
                                              **kwargs)

    @property
    def port(self):
        return self.controller.port

    @property
    def rejected(self):
        return self.handler.rejected

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def messages(self):
        """Every accepted message, oldest first: {"message": email.message.EmailMessage,
        "raw": bytes, "meta": {...}}."""
        out = []
        for name in sorted(os.listdir(self.directory)):
            if not name.endswith(".eml"):
                continue
            path = os.path.join(self.directory, name)
            with open(path, "rb") as f:
                raw = f.read()
            with open(path[:-4] + ".json") as f:
                meta = json.load(f)
            out.append({"raw": raw, "meta": meta,
                        "message": email.message_from_bytes(raw, policy=email.policy.default)})
        return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--starttls", action="store_true")
    group.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--require-tls", action="store_true")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--auth")
    parser.add_argument("--fail-first", type=int, default=0)
    args = parser.parse_args()
    tls = "starttls" if args.starttls else "implicit" if args.implicit_tls else None
    sink = SmtpSink(args.dir, tls=tls, cert=args.cert, key=args.key, require_tls=args.require_tls,
                    auth=args.auth, fail_first=args.fail_first).start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    print("smtp_sink: listening on 127.0.0.1:%d" % sink.port, flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    sink.stop()


if __name__ == "__main__":
    main()
