// The content repository through matrix-js-sdk against the real `myelin serve`: the SDK's
// uploadContent stores bytes, its authenticated download URL (mxcUrlToHttp with
// useAuthentication) serves them back exactly, with the type and name they were uploaded with;
// getMediaConfig reads the upload limit.
//
// Usage: node media_test.js /path/to/myelin
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { Homeserver, exitSoon, guarded, register, sdk } from "./harness.js";

let server;
let client;

before(guarded(async () => {
  server = new Homeserver(undefined, "localhost",
                          { config: "registration: {mode: open}\nmax_upload_size: 1M\n" });
  await server.start();
  const credentials = await register(server.baseUrl, "mia");
  client = sdk.createClient({
    baseUrl: server.baseUrl, userId: credentials.userId, accessToken: credentials.accessToken,
  });
}));

after(guarded(async () => {
  try {
    await server?.stop();
  } finally {
    server?.cleanup();
    exitSoon();
  }
}));

test("uploadContent, then the authenticated download URL serves the same bytes",
     guarded(async () => {
       const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
       const uploaded = await client.uploadContent(bytes, { name: "photo 1.png",
                                                            type: "image/png" });
       assert.match(uploaded.content_uri, /^mxc:\/\/localhost\/[A-Za-z0-9]+$/);
       const url = client.mxcUrlToHttp(uploaded.content_uri, undefined, undefined, undefined,
                                       false, false, true);
       assert.ok(url.startsWith(`${server.baseUrl}/_matrix/client/v1/media/download/`), url);
       const response = await fetch(url, {
         headers: { Authorization: `Bearer ${client.getAccessToken()}` },
       });
       assert.equal(response.status, 200);
       assert.equal(response.headers.get("content-type"), "image/png");
       assert.equal(response.headers.get("content-disposition"),
                    "inline; filename*=utf-8''photo%201.png");
       assert.deepEqual(Buffer.from(await response.arrayBuffer()), bytes);
       // Without the token the authenticated path refuses.
       const anonymous = await fetch(url);
       assert.equal(anonymous.status, 401);
     }));

test("getMediaConfig reads max_upload_size", guarded(async () => {
  const config = await client.getMediaConfig(true);
  assert.equal(config["m.upload.size"], 1024 * 1024);
}));
