"""A small HTTPS server answering the two endpoints `myelin federation check` asks for, with a
key document signed by python3-signedjson (Synapse's own signing library): an independent
implementation to check the checker against, and a way to serve the faulty documents a real
server never serves (another server_name, an expired valid_until_ts).
"""
import http.server
import json
import ssl
import threading
import time

import signedjson.key
import signedjson.sign


def key_document(server_name, signing_key, valid_until_ms=None, signed_as=None):
    document = {
        "server_name": server_name,
        "valid_until_ts": valid_until_ms if valid_until_ms is not None
        else int(time.time() * 1000) + 3_600_000,
        "old_verify_keys": {},
        "verify_keys": {
            "%s:%s" % (signing_key.alg, signing_key.version): {
                "key": signedjson.key.encode_verify_key_base64(signing_key.verify_key)}},
    }
    return signedjson.sign.sign_json(document, signed_as or server_name, signing_key)


class KeyServer:
    """Serves `document` at /_matrix/key/v2/server over TLS on address:port."""

    def __init__(self, address, port, cert, key, document):
        body = json.dumps(document).encode()
        version = json.dumps({"server": {"name": "key_server.py", "version": "1"}}).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                answers = {"/_matrix/key/v2/server": body,
                           "/_matrix/federation/v1/version": version}
                data = answers.get(self.path)
                self.send_response(200 if data else 404)
                data = data or b'{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}'
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer((address, port), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        return False
