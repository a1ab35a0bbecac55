#!/usr/bin/python3
"""The federation read endpoints (server-server API "Retrieving events", "Backfilling",
"Querying for information", "Spaces"…) are in the route table of the real `myelin serve` and
take only X-Matrix-signed requests: unsigned and forged requests are refused with 401
M_UNAUTHORIZED before any room or user is looked at; a client's access token is no signature.

What each endpoint answers to a signed request is covered by the service's unit tests
(services/federation/federation_reads_test.cpp). Signed requests over HTTP need a second server
whose keys this one can fetch (the federation rig, tests/federation/).

Usage: federation_reads_test.py PATH_TO_MYELIN
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

MYELIN = harness.myelin_path()
F1 = "/_matrix/federation/v1"
server = None

READ_ROUTES = [
    ("GET", F1 + "/event/$event:localhost"),
    ("GET", F1 + "/state/!room:localhost?event_id=$event:localhost"),
    ("GET", F1 + "/state_ids/!room:localhost?event_id=$event:localhost"),
    ("GET", F1 + "/event_auth/!room:localhost/$event:localhost"),
    ("GET", F1 + "/backfill/!room:localhost?v=$event:localhost&limit=10"),
    ("POST", F1 + "/get_missing_events/!room:localhost"),
    ("GET", F1 + "/query/profile?user_id=@alice:localhost"),
    ("GET", F1 + "/query/directory?room_alias=%23lobby:localhost"),
    ("GET", F1 + "/publicRooms"),
    ("POST", F1 + "/publicRooms"),
    ("GET", F1 + "/user/devices/@alice:localhost"),
    ("POST", F1 + "/user/keys/query"),
    ("POST", F1 + "/user/keys/claim"),
    ("GET", F1 + "/hierarchy/!room:localhost"),
]

FORGED = ('X-Matrix origin="other.test",destination="localhost",key="ed25519:a1",'
          'sig="dGhpcyBpcyBub3QgYSBzaWduYXR1cmU"')


def setUpModule():
    global server
    server = harness.start_homeserver(MYELIN)


def tearDownModule():
    server.close()


class FederationReadRoutes(unittest.TestCase):
    def body_for(self, method):
        return {} if method == "POST" else None

    def test_unsigned_requests_are_refused(self):
        for method, path in READ_ROUTES:
            with self.subTest(method=method, path=path):
                status, body = server.request(method, path, body=self.body_for(method))
                self.assertEqual(status, 401, body)
                self.assertEqual(body["errcode"], "M_UNAUTHORIZED")

    def test_forged_signatures_are_refused(self):
        for method, path in READ_ROUTES:
            with self.subTest(method=method, path=path):
                status, body = server.request(method, path, body=self.body_for(method),
                                              headers={"Authorization": FORGED})
                self.assertEqual(status, 401, body)
                self.assertEqual(body["errcode"], "M_UNAUTHORIZED")

    def test_a_client_access_token_is_no_signature(self):
        token = server.register("alice")["access_token"]
        status, body = server.request("GET", F1 + "/query/profile?user_id=@alice:localhost",
                                      token=token)
        self.assertEqual(status, 401, body)
        self.assertEqual(body["errcode"], "M_UNAUTHORIZED")

    def test_wrong_method_is_unrecognized(self):
        status, body = server.request("POST", F1 + "/event/$event:localhost", body={})
        self.assertEqual(status, 405, body)
        self.assertEqual(body["errcode"], "M_UNRECOGNIZED")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
