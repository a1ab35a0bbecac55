"""Federation from a test's side, written independently of myelin with Synapse's own libraries
(python3-signedjson, python3-canonicaljson): X-Matrix request signing as a server whose key
file we hold, and PDUs built, hashed and signed by hand — so that tests can send what no honest
server sends (forged signatures, wrong hashes, events the auth rules refuse).
"""
import base64
import copy
import hashlib
import http.client
import json
import os
import re
import socket
import ssl
import time

import canonicaljson
import signedjson.key
import signedjson.sign


def unpadded_b64(data, urlsafe=False):
    encoded = base64.urlsafe_b64encode(data) if urlsafe else base64.b64encode(data)
    return encoded.decode().rstrip("=")


def read_signing_key(server):
    """The signing key of a harness.Homeserver: the file its config names, else myelin's
    default <data_dir>/<server_name>.signing.key."""
    with open(server.config_path) as f:
        match = re.search(r'^signing_key_path:\s*"?([^"\n]+?)"?\s*$', f.read(), re.M)
    path = match.group(1) if match else os.path.join(server.data_dir,
                                                     server.server_name + ".signing.key")
    with open(path) as f:
        return signedjson.key.read_signing_keys(f)[0]


# Room versions 4–10 keep these top-level keys on redaction (spec /rooms/v4 … v10).
_KEPT_KEYS = {"event_id", "type", "room_id", "sender", "state_key", "content", "hashes",
              "signatures", "depth", "prev_events", "prev_state", "auth_events", "origin",
              "origin_server_ts", "membership"}


def redact_message(event):
    """The redacted form of a non-state event (content emptied), as hashed for IDs/signatures."""
    redacted = {k: v for k, v in event.items() if k in _KEPT_KEYS}
    redacted["content"] = {}
    return redacted


def content_hash(event):
    stripped = {k: v for k, v in event.items() if k not in ("unsigned", "signatures", "hashes")}
    return unpadded_b64(hashlib.sha256(canonicaljson.encode_canonical_json(stripped)).digest())


def event_id_of(event):
    """v4+ event ID: '$' + URL-safe base64 of the reference hash."""
    redacted = redact_message(event)
    redacted.pop("signatures", None)
    redacted.pop("unsigned", None)
    digest = hashlib.sha256(canonicaljson.encode_canonical_json(redacted)).digest()
    return "$" + unpadded_b64(digest, urlsafe=True)


def build_message(room_id, sender, origin, signing_key, prev_events, auth_events, depth, body,
                  tamper_after_signing=False):
    """A signed m.room.message PDU (room versions 4–10). With tamper_after_signing the body is
    changed after hashing and signing: the signature still verifies (it covers the redacted
    form) but the content hash does not match."""
    event = {
        "room_id": room_id, "sender": sender, "origin": origin, "type": "m.room.message",
        "content": {"msgtype": "m.text", "body": body},
        "origin_server_ts": int(time.time() * 1000), "depth": depth,
        "prev_events": list(prev_events), "auth_events": list(auth_events),
    }
    event["hashes"] = {"sha256": content_hash(event)}
    signed = signedjson.sign.sign_json(redact_message(event), origin, signing_key)
    event["signatures"] = signed["signatures"]
    if tamper_after_signing:
        event["content"] = {"msgtype": "m.text", "body": body + " (tampered)"}
    return event, event_id_of(event)


class FederationRequester:
    """Signed requests as `origin` (X-Matrix, spec "Request Authentication") to one server's
    federation listener, over TLS verified against the test CA."""

    def __init__(self, origin, signing_key, destination, address, port, ca_path):
        self.origin = origin
        self.key = signing_key
        self.destination = destination
        self.claimed_destination = destination  # what the signature names (tests change it)
        self.address = address
        self.port = port
        self.context = ssl.create_default_context(cafile=ca_path)

    def request(self, method, path, body=None):
        signed = {"method": method, "uri": path, "origin": self.origin,
                  "destination": self.claimed_destination}
        if body is not None:
            signed["content"] = body
        signed = signedjson.sign.sign_json(signed, self.origin, self.key)
        key_id = "%s:%s" % (self.key.alg, self.key.version)
        signature = signed["signatures"][self.origin][key_id]
        headers = {"Host": self.destination,
                   "Authorization": 'X-Matrix origin="%s",destination="%s",key="%s",sig="%s"'
                   % (self.origin, self.claimed_destination, key_id, signature)}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        # Dial the address, verify the certificate for the server's name (the rig's certificates
        # name the server, not the 127.0.0.x it listens on).
        raw_socket = socket.create_connection((self.address, self.port), timeout=60)
        conn = http.client.HTTPConnection(self.destination, self.port, timeout=60)
        conn.sock = self.context.wrap_socket(raw_socket, server_hostname=self.destination)
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        finally:
            conn.close()
        return response.status, (json.loads(raw) if raw else None)

    def send_transaction(self, pdus, edus=()):
        txn = "t%d" % time.monotonic_ns()
        body = {"origin": self.origin, "origin_server_ts": int(time.time() * 1000),
                "pdus": copy.deepcopy(list(pdus)), "edus": list(edus)}
        return self.request("PUT", "/_matrix/federation/v1/send/" + txn, body)

