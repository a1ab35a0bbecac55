"""The content repository (spec client-server API, "Content repository") and the media part of
the Synapse Admin API, driven over HTTP against the real binary: uploads and downloads byte for
byte, created IDs, limits, the legacy and authenticated paths, and what admins do with media
(list, delete, quarantine, protect)."""
import http.client
import json
import sys
import time
import unittest
import urllib.parse

import harness

BINARY = harness.myelin_path()
LIMIT = 64 * 1024
CONFIG = "registration: {mode: open}\nmax_upload_size: 64K\n"
BINARY_BYTES = bytes(range(256)) * 3 + b"\x00\r\n\xff{not json"


def q(value):
    return urllib.parse.quote(value, safe="")


class MediaServer:
    """Raw HTTP helpers on top of harness.Homeserver (whose request() parses JSON bodies)."""

    def __init__(self, server):
        self.server = server

    def raw(self, method, path, body=None, token=None, headers=None):
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = "Bearer " + token
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            data = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            conn.close()

    def upload(self, token, data, content_type="application/octet-stream", filename=None,
               prefix="/_matrix/media/v3"):
        path = prefix + "/upload"
        if filename is not None:
            path += "?filename=" + q(filename)
        headers = {"Content-Type": content_type} if content_type else {}
        status, _, body = self.raw("POST", path, data, token, headers)
        return status, json.loads(body)

    def upload_ok(self, token, data, **kwargs):
        status, body = self.upload(token, data, **kwargs)
        if status != 200:
            raise AssertionError("upload: %s %r" % (status, body))
        return body["content_uri"]

    def download(self, mxc, token=None, file_name=None, authenticated=True, query=""):
        server_name, media_id = mxc[len("mxc://"):].split("/", 1)
        prefix = "/_matrix/client/v1/media" if authenticated else "/_matrix/media/v3"
        path = "%s/download/%s/%s" % (prefix, q(server_name), q(media_id))
        if file_name is not None:
            path += "/" + q(file_name)
        return self.raw("GET", path + query, token=token)


def media_id(mxc):
    return mxc.rsplit("/", 1)[1]


class ContentRepositoryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Homeserver(BINARY, config=CONFIG)
        cls.server.start()
        cls.media = MediaServer(cls.server)
        cls.alice = cls.server.register("alice")["access_token"]
        cls.bob = cls.server.register("bob")["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def test_upload_download_round_trip(self):
        mxc = self.media.upload_ok(self.alice, BINARY_BYTES, content_type="image/png",
                                   filename="cat.png")
        self.assertRegex(mxc, r"^mxc://localhost/[A-Za-z0-9]{24}$")
        status, headers, data = self.media.download(mxc, self.bob)
        self.assertEqual(status, 200)
        self.assertEqual(data, BINARY_BYTES)
        self.assertEqual(headers["content-type"], "image/png")
        self.assertEqual(headers["content-disposition"], "inline; filename=cat.png")
        self.assertEqual(headers["content-length"], str(len(BINARY_BYTES)))
        self.assertTrue(headers["content-security-policy"].startswith("sandbox;"))
        self.assertEqual(headers["cross-origin-resource-policy"], "cross-origin")
        # The legacy path needs no token.
        status, headers, data = self.media.download(mxc, authenticated=False)
        self.assertEqual((status, data), (200, BINARY_BYTES))
        # A file name in the URL names the download.
        status, headers, data = self.media.download(mxc, self.bob, file_name="other name.png")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-disposition"],
                         "inline; filename*=utf-8''other%20name.png")

    def test_unsafe_types_are_attachments_with_encoded_names(self):
        mxc = self.media.upload_ok(self.alice, b"<script>alert(1)</script>",
                                   content_type="text/html", filename="p\u00e4ge.html")
        status, headers, data = self.media.download(mxc, self.alice)
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "text/html; charset=UTF-8")
        self.assertEqual(headers["content-disposition"],
                         "attachment; filename*=utf-8''p%C3%A4ge.html")
        # No Content-Type and no name: octet-stream, no filename.
        mxc = self.media.upload_ok(self.alice, b"raw", content_type=None)
        status, headers, data = self.media.download(mxc, self.alice)
        self.assertEqual((status, data), (200, b"raw"))
        self.assertEqual(headers["content-type"], "application/octet-stream")
        self.assertEqual(headers["content-disposition"], "attachment")

    def test_every_upload_path(self):
        for prefix in ("/_matrix/media/r0", "/_matrix/media/v3", "/_matrix/media/v1"):
            mxc = self.media.upload_ok(self.alice, b"via " + prefix.encode(), prefix=prefix,
                                       content_type="text/plain")
            status, _, data = self.media.download(mxc, self.alice)
            self.assertEqual((status, data), (200, b"via " + prefix.encode()))

    def test_authentication(self):
        mxc = self.media.upload_ok(self.alice, b"secret-ish")
        status, _, body = self.media.download(mxc)  # v1 without a token
        self.assertEqual(status, 401)
        self.assertEqual(json.loads(body)["errcode"], "M_MISSING_TOKEN")
        status, _, body = self.media.raw("POST", "/_matrix/media/v3/upload", b"x")
        self.assertEqual((status, json.loads(body)["errcode"]), (401, "M_MISSING_TOKEN"))
        status, _, body = self.media.raw("POST", "/_matrix/media/v1/create")
        self.assertEqual(status, 401)

    def test_config(self):
        for path in ("/_matrix/client/v1/media/config", "/_matrix/media/v3/config",
                     "/_matrix/media/r0/config"):
            status, body = self.server.request("GET", path, token=self.alice)
            self.assertEqual((status, body), (200, {"m.upload.size": LIMIT}), path)
        status, _ = self.server.request("GET", "/_matrix/client/v1/media/config")
        self.assertEqual(status, 401)

    def test_size_limit(self):
        status, body = self.media.upload(self.alice, b"x" * (LIMIT + 1))
        self.assertEqual((status, body["errcode"]), (413, "M_TOO_LARGE"))
        mxc = self.media.upload_ok(self.alice, b"y" * LIMIT)
        status, _, data = self.media.download(mxc, self.alice)
        self.assertEqual((status, len(data)), (200, LIMIT))

    def test_unknown_and_remote_media(self):
        for mxc in ("mxc://localhost/doesnotexist12345", "mxc://remote.example/abcdefghij",
                    "mxc://localhost/..%2F..%2Fetc"):
            for authenticated in (True, False):
                status, _, body = self.media.download(mxc, self.alice,
                                                      authenticated=authenticated)
                self.assertEqual(status, 404, mxc)
                self.assertEqual(json.loads(body)["errcode"], "M_NOT_FOUND")

    def test_async_upload(self):
        status, created = self.server.request("POST", "/_matrix/media/v1/create", token=self.alice)
        self.assertEqual(status, 200, created)
        mxc = created["content_uri"]
        self.assertGreater(created["unused_expires_at"], int(time.time() * 1000))
        path = "/_matrix/media/v3/upload/localhost/" + media_id(mxc)
        # Nothing uploaded yet: the download waits timeout_ms, then 504 M_NOT_YET_UPLOADED.
        status, _, body = self.media.download(mxc, self.alice, query="?timeout_ms=300")
        self.assertEqual((status, json.loads(body)["errcode"]), (504, "M_NOT_YET_UPLOADED"))
        status, _, body = self.media.raw("PUT", path + "?filename=later.txt", b"late bytes",
                                         self.bob, {"Content-Type": "text/plain"})
        self.assertEqual((status, json.loads(body)["errcode"]), (403, "M_FORBIDDEN"))
        status, _, body = self.media.raw("PUT", "/_matrix/media/v3/upload/localhost/nosuchid123",
                                         b"x", self.alice)
        self.assertEqual((status, json.loads(body)["errcode"]), (404, "M_NOT_FOUND"))
        status, _, body = self.media.raw("PUT", "/_matrix/media/v3/upload/elsewhere.org/" +
                                         media_id(mxc), b"x", self.alice)
        self.assertEqual((status, json.loads(body)["errcode"]), (404, "M_NOT_FOUND"))
        status, _, body = self.media.raw("PUT", path + "?filename=later.txt", b"late bytes",
                                         self.alice, {"Content-Type": "text/plain"})
        self.assertEqual((status, json.loads(body)), (200, {}))
        status, headers, data = self.media.download(mxc, self.bob)
        self.assertEqual((status, data), (200, b"late bytes"))
        self.assertEqual(headers["content-disposition"], "inline; filename=later.txt")
        status, _, body = self.media.raw("PUT", path, b"again", self.alice)
        self.assertEqual(status, 409)
        self.assertEqual(json.loads(body)["errcode"], "M_CANNOT_OVERWRITE_MEDIA")

    def test_pending_uploads_are_limited(self):
        user = self.server.register("hoarder")["access_token"]
        for _ in range(5):
            status, body = self.server.request("POST", "/_matrix/media/v1/create", token=user)
            self.assertEqual(status, 200, body)
        status, body = self.server.request("POST", "/_matrix/media/v1/create", token=user)
        self.assertEqual((status, body["errcode"]), (429, "M_LIMIT_EXCEEDED"))
        self.assertGreater(body["retry_after_ms"], 0)


class AdminMediaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Homeserver(BINARY, config=CONFIG)
        cls.server.start()
        cls.media = MediaServer(cls.server)
        cls.admin = cls.server.register_admin("root")["access_token"]
        cls.alice = cls.server.register("alice")["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def admin_request(self, method, path, body=None):
        return self.server.request(method, path, {} if body is None and method == "POST" else body,
                                   token=self.admin)

    def downloadable(self, mxc):
        status, _, _ = self.media.download(mxc, self.alice)
        if status not in (200, 404):
            raise AssertionError("download %s: %s" % (mxc, status))
        return status == 200

    def test_info_and_delete_one(self):
        mxc = self.media.upload_ok(self.alice, b"info me", content_type="text/plain",
                                   filename="i.txt")
        status, body = self.admin_request("GET", "/_synapse/admin/v1/media/localhost/" +
                                          media_id(mxc))
        self.assertEqual(status, 200, body)
        info = body["media_info"]
        self.assertEqual(info["media_id"], media_id(mxc))
        self.assertEqual(info["media_type"], "text/plain")
        self.assertEqual(info["media_length"], 7)
        self.assertEqual(info["upload_name"], "i.txt")
        self.assertEqual(info["user_id"], "@alice:localhost")
        self.assertIsNone(info["quarantined_by"])
        self.assertIsNone(info["media_origin"])
        self.assertFalse(info["safe_from_quarantine"])
        self.assertEqual(len(info["sha256"]), 64)
        self.assertAlmostEqual(info["created_ts"], time.time() * 1000, delta=60_000)
        status, body = self.admin_request("GET", "/_synapse/admin/v1/media/localhost/nosuch1234")
        self.assertEqual((status, body["errcode"]), (404, "M_NOT_FOUND"))
        status, body = self.admin_request("GET", "/_synapse/admin/v1/media/remote.org/abcdefg")
        self.assertEqual((status, body["errcode"]), (404, "M_NOT_FOUND"))

        status, body = self.admin_request("DELETE", "/_synapse/admin/v1/media/localhost/" +
                                          media_id(mxc))
        self.assertEqual((status, body), (200, {"deleted_media": [media_id(mxc)], "total": 1}))
        self.assertFalse(self.downloadable(mxc))
        status, body = self.admin_request("DELETE", "/_synapse/admin/v1/media/localhost/" +
                                          media_id(mxc))
        self.assertEqual((status, body["errcode"]), (404, "M_NOT_FOUND"))
        status, body = self.admin_request("DELETE", "/_synapse/admin/v1/media/remote.org/abcdefg")
        self.assertEqual(status, 400)

    def test_list_user_media_with_pagination_and_order(self):
        user = self.server.register("lister")["access_token"]
        sizes = [5, 1, 3, 4, 2]
        uploaded = []
        for size in sizes:
            uploaded.append(media_id(self.media.upload_ok(user, b"z" * size,
                                                          filename="f%d" % size)))
            time.sleep(0.005)  # distinct created_ts, so the default order is knowable
        path = "/_synapse/admin/v1/users/%s/media" % q("@lister:localhost")
        status, body = self.admin_request("GET", path)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["total"], 5)
        self.assertNotIn("next_token", body)
        # Default: newest first.
        self.assertEqual([m["media_id"] for m in body["media"]], list(reversed(uploaded)))
        first = body["media"][0]
        for key in ("created_ts", "last_access_ts", "media_id", "media_length", "media_type",
                    "quarantined_by", "safe_from_quarantine", "upload_name"):
            self.assertIn(key, first)
        # Pages of two by size, smallest first.
        seen = []
        token = 0
        while token is not None:
            status, body = self.admin_request(
                "GET", path + "?order_by=media_length&limit=2&from=%d" % token)
            self.assertEqual(status, 200, body)
            self.assertEqual(body["total"], 5)
            seen += [m["media_length"] for m in body["media"]]
            token = body.get("next_token")
        self.assertEqual(seen, [1, 2, 3, 4, 5])
        status, body = self.admin_request("GET", path + "?order_by=media_length&dir=b")
        self.assertEqual([m["media_length"] for m in body["media"]], [5, 4, 3, 2, 1])
        status, body = self.admin_request("GET", path + "?order_by=upload_name&dir=f&limit=1")
        self.assertEqual((body["media"][0]["upload_name"], body["next_token"]), ("f1", 1))
        for bad in ("?order_by=nonsense", "?dir=x", "?limit=-1", "?from=abc"):
            status, body = self.admin_request("GET", path + bad)
            self.assertEqual((status, body["errcode"]), (400, "M_INVALID_PARAM"), bad)
        status, body = self.admin_request("GET", "/_synapse/admin/v1/users/%s/media" %
                                          q("@nobody:localhost"))
        self.assertEqual((status, body["errcode"]), (404, "M_NOT_FOUND"))
        status, body = self.admin_request("GET", "/_synapse/admin/v1/users/%s/media" %
                                          q("@someone:remote.org"))
        self.assertEqual(status, 400)

        # DELETE takes the same query: the two largest go.
        status, body = self.admin_request("DELETE", path + "?order_by=media_length&dir=b&limit=2")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["total"], 2)
        self.assertEqual(sorted(body["deleted_media"]), sorted([uploaded[0], uploaded[3]]))
        status, body = self.admin_request("DELETE", path)
        self.assertEqual(body["total"], 3)
        status, body = self.admin_request("GET", path)
        self.assertEqual((body["total"], body["media"]), (0, []))

    def test_room_media_and_quarantine(self):
        local = self.media.upload_ok(self.alice, b"room image", content_type="image/png")
        thumb = self.media.upload_ok(self.alice, b"room thumb", content_type="image/png")
        protected = self.media.upload_ok(self.alice, b"sticker", content_type="image/png")
        status, room = self.server.request("POST", "/_matrix/client/v3/createRoom", {},
                                           token=self.alice)
        room_id = room["room_id"]
        events = [
            {"msgtype": "m.image", "body": "a.png", "url": local,
             "info": {"mimetype": "image/png", "thumbnail_url": thumb}},
            {"msgtype": "m.image", "body": "b.png", "url": "mxc://remote.org/remoteid"},
            {"msgtype": "m.image", "body": "s.png", "url": protected},
            {"msgtype": "m.text", "body": "no media"},
        ]
        for i, content in enumerate(events):
            status, body = self.server.request(
                "PUT", "/_matrix/client/v3/rooms/%s/send/m.room.message/t%d" % (q(room_id), i),
                content, token=self.alice)
            self.assertEqual(status, 200, body)
        status, body = self.admin_request("GET", "/_synapse/admin/v1/room/%s/media" % q(room_id))
        self.assertEqual(status, 200, body)
        self.assertEqual(sorted(body["local"]), sorted([local, thumb, protected]))
        self.assertEqual(body["remote"], ["mxc://remote.org/remoteid"])

        status, body = self.admin_request("POST", "/_synapse/admin/v1/media/protect/" +
                                          media_id(protected))
        self.assertEqual((status, body), (200, {}))
        status, body = self.admin_request("POST", "/_synapse/admin/v1/room/%s/media/quarantine" %
                                          q(room_id))
        self.assertEqual((status, body), (200, {"num_quarantined": 2}))
        self.assertFalse(self.downloadable(local))
        self.assertFalse(self.downloadable(thumb))
        self.assertTrue(self.downloadable(protected))
        status, _, _ = self.media.download(local, authenticated=False)
        self.assertEqual(status, 404)
        status, body = self.admin_request("GET", "/_synapse/admin/v1/media/localhost/" +
                                          media_id(local))
        self.assertEqual(body["media_info"]["quarantined_by"], "@root:localhost")

        status, body = self.admin_request("POST", "/_synapse/admin/v1/media/unquarantine/"
                                          "localhost/" + media_id(local))
        self.assertEqual((status, body), (200, {}))
        self.assertTrue(self.downloadable(local))
        self.assertFalse(self.downloadable(thumb))

        # Unprotected, the sticker can be quarantined by ID.
        status, body = self.admin_request("POST", "/_synapse/admin/v1/media/unprotect/" +
                                          media_id(protected))
        self.assertEqual((status, body), (200, {}))
        status, body = self.admin_request("POST", "/_synapse/admin/v1/media/quarantine/"
                                          "localhost/" + media_id(protected))
        self.assertEqual((status, body), (200, {}))
        self.assertFalse(self.downloadable(protected))

    def test_quarantine_by_user_spares_protected_media(self):
        user = self.server.register("spammer")["access_token"]
        bad = [self.media.upload_ok(user, b"spam %d" % i) for i in range(3)]
        keep = self.media.upload_ok(user, b"the one good file")
        self.admin_request("POST", "/_synapse/admin/v1/media/protect/" + media_id(keep))
        status, body = self.admin_request("POST", "/_synapse/admin/v1/user/%s/media/quarantine" %
                                          q("@spammer:localhost"))
        self.assertEqual((status, body), (200, {"num_quarantined": 3}))
        for mxc in bad:
            self.assertFalse(self.downloadable(mxc))
        self.assertTrue(self.downloadable(keep))
        # The same content uploaded again arrives quarantined (Synapse tracks hashes).
        again = self.media.upload_ok(self.alice, b"spam 1")
        self.assertFalse(self.downloadable(again))

    def test_non_admins_are_refused_everywhere(self):
        mxc = self.media.upload_ok(self.alice, b"mine")
        mid = media_id(mxc)
        room = q("!room:localhost")
        user = q("@alice:localhost")
        routes = [
            ("GET", "/_synapse/admin/v1/media/localhost/" + mid),
            ("DELETE", "/_synapse/admin/v1/media/localhost/" + mid),
            ("POST", "/_synapse/admin/v1/media/delete?before_ts=99999999999999"),
            ("POST", "/_synapse/admin/v1/media/localhost/delete?before_ts=99999999999999"),
            ("GET", "/_synapse/admin/v1/users/%s/media" % user),
            ("DELETE", "/_synapse/admin/v1/users/%s/media" % user),
            ("GET", "/_synapse/admin/v1/room/%s/media" % room),
            ("POST", "/_synapse/admin/v1/media/quarantine/localhost/" + mid),
            ("POST", "/_synapse/admin/v1/media/unquarantine/localhost/" + mid),
            ("POST", "/_synapse/admin/v1/room/%s/media/quarantine" % room),
            ("POST", "/_synapse/admin/v1/quarantine_media/%s" % room),
            ("POST", "/_synapse/admin/v1/user/%s/media/quarantine" % user),
            ("POST", "/_synapse/admin/v1/media/protect/" + mid),
            ("POST", "/_synapse/admin/v1/media/unprotect/" + mid),
            ("POST", "/_synapse/admin/v1/purge_media_cache?before_ts=99999999999999"),
        ]
        for method, path in routes:
            status, body = self.server.request(method, path, {} if method == "POST" else None,
                                               token=self.alice)
            self.assertEqual((status, body.get("errcode")), (403, "M_FORBIDDEN"), path)
        self.assertTrue(self.downloadable(mxc))


class DeleteOldMediaTest(unittest.TestCase):
    """On its own server: deleting by age reaches every media."""

    @classmethod
    def setUpClass(cls):
        cls.server = harness.Homeserver(BINARY, config=CONFIG)
        cls.server.start()
        cls.media = MediaServer(cls.server)
        cls.admin = cls.server.register_admin("root")["access_token"]
        cls.alice = cls.server.register("alice")["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def test_delete_by_age_and_size(self):
        small = self.media.upload_ok(self.alice, b"s" * 10)
        big = self.media.upload_ok(self.alice, b"b" * 1000)
        avatar = self.media.upload_ok(self.alice, b"a" * 1000, content_type="image/png")
        status, _ = self.server.request(
            "PUT", "/_matrix/client/v3/profile/%s/avatar_url" % q("@alice:localhost"),
            {"avatar_url": avatar}, token=self.alice)
        self.assertEqual(status, 200)
        protected = self.media.upload_ok(self.alice, b"p" * 1000)
        status, _ = self.server.request("POST", "/_synapse/admin/v1/media/protect/" +
                                        media_id(protected), {}, token=self.admin)
        self.assertEqual(status, 200)
        read_lately = self.media.upload_ok(self.alice, b"r" * 1000)
        time.sleep(0.01)
        cutoff = int(time.time() * 1000)
        time.sleep(0.01)
        late = self.media.upload_ok(self.alice, b"l" * 1000)
        # Downloading counts as access: media read after the cutoff is not old.
        self.assertEqual(self.media.download(read_lately, self.alice)[0], 200)

        status, body = self.server.request("POST", "/_synapse/admin/v1/media/delete", {},
                                           token=self.admin)
        self.assertEqual((status, body["errcode"]), (400, "M_MISSING_PARAM"))
        status, body = self.server.request("POST", "/_synapse/admin/v1/media/delete?before_ts=1000",
                                           {}, token=self.admin)
        self.assertEqual((status, body["errcode"]), (400, "M_INVALID_PARAM"))

        status, body = self.server.request(
            "POST", "/_synapse/admin/v1/media/delete?before_ts=%d&size_gt=100" % cutoff, {},
            token=self.admin)
        self.assertEqual(status, 200, body)
        self.assertEqual((body["deleted_media"], body["total"]), ([media_id(big)], 1))
        self.assertEqual(self.media.download(big, self.alice)[0], 404)
        # Still there (asked through the admin API: a download would count as an access).
        for kept in (small, avatar, protected, late, read_lately):
            status, _ = self.server.request("GET", "/_synapse/admin/v1/media/localhost/" +
                                            media_id(kept), token=self.admin)
            self.assertEqual(status, 200, kept)

        # keep_profiles=false lets the avatar go too (the legacy path, with the server name).
        status, body = self.server.request(
            "POST", "/_synapse/admin/v1/media/localhost/delete?before_ts=%d&size_gt=100"
            "&keep_profiles=false" % cutoff, {}, token=self.admin)
        self.assertEqual((status, body["deleted_media"]), (200, [media_id(avatar)]))
        status, body = self.server.request(
            "POST", "/_synapse/admin/v1/media/delete?before_ts=%d" % cutoff, {}, token=self.admin)
        self.assertEqual((status, body["deleted_media"]), (200, [media_id(small)]))
        status, body = self.server.request(
            "POST", "/_synapse/admin/v1/media/delete?before_ts=%d" % cutoff, {}, token=self.admin)
        self.assertEqual(body["total"], 0)
        status, body = self.server.request(
            "POST", "/_synapse/admin/v1/purge_media_cache?before_ts=%d" % cutoff, {},
            token=self.admin)
        self.assertEqual((status, body), (200, {"deleted": 0}))


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
