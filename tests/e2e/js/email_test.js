// E-mail flows driven by matrix-js-sdk against the real `myelin serve` and a real SMTP server on
// loopback (tests/e2e/smtp_sink.py, aiosmtpd): sign-up with registration.require_email
// (requestRegisterEmailToken, the link read from the mail and followed, registerRequest with
// m.login.email.identity), 3PID add/list/delete (requestAdd3pidEmailToken, addThreePidOnly,
// getThreePids, deleteThreePid), login with an m.id.thirdparty identifier, and password reset
// by e-mail (requestPasswordEmailToken, setPassword with threepid creds and no access token):
// the old password stops working.
//
// Usage: node email_test.js /path/to/myelin
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";

import { Homeserver, exitSoon, guarded, sdk } from "./harness.js";

const kPassword = "correct horse battery staple";
const kEmailStage = "m.login.email.identity";
const kSinkScript = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "smtp_sink.py");

let sink = null;
let server = null;
const mailDir = fs.mkdtempSync(path.join(os.tmpdir(), "myelin-e2e-mail-"));

/** Starts the SMTP sink (Debian's Python, which has aiosmtpd) and resolves with its port. */
function startSink() {
  sink = spawn("/usr/bin/python3", [kSinkScript, "--dir", mailDir],
               { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    sink.stdout.on("data", (chunk) => {
      out += chunk;
      const match = /smtp_sink: listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    sink.on("exit", (code) => reject(new Error(`smtp_sink exited with ${code}`)));
  });
}

/** The accepted mails, oldest first, as raw text. */
function mails() {
  return fs.readdirSync(mailDir).filter((name) => name.endsWith(".eml")).sort()
    .map((name) => fs.readFileSync(path.join(mailDir, name), "latin1"));
}

/** Decodes a quoted-printable body (RFC 2045): soft breaks and =XX escapes. */
function decodeQuotedPrintable(text) {
  const bytes = text.replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

/** The validation link of the newest mail, as a path on this server. */
function latestLink() {
  const all = mails();
  assert.ok(all.length > 0, "no mail arrived");
  const raw = all[all.length - 1];
  const body = decodeQuotedPrintable(raw.slice(raw.indexOf("\r\n\r\n") + 4));
  const match = /https?:\/\/\S+submit_token\?\S+/.exec(body);
  assert.ok(match, body);
  const url = new URL(match[0]);
  return { path: url.pathname + url.search, header: raw.slice(0, raw.indexOf("\r\n\r\n")) };
}

async function followLatestLink() {
  const { path: link } = latestLink();
  const response = await fetch(server.baseUrl + link);
  assert.equal(response.status, 200, await response.text());
  assert.match(response.headers.get("content-type"), /text\/html/);
}

/** The 401 UIA challenge of a call that needs auth. */
async function challengeOf(promise) {
  try {
    await promise;
  } catch (error) {
    if (error.httpStatus !== 401 || !error.data?.session) throw error;
    return error.data;
  }
  throw new Error("expected a 401 UIA challenge");
}

before(guarded(async () => {
  const port = await startSink();
  server = new Homeserver(undefined, "localhost", {
    config: "registration: {mode: open, require_email: true}\nemail:\n  smtp_host: 127.0.0.1\n" +
            `  smtp_port: ${port}\n  notif_from: "Your %(app)s homeserver <noreply@example.org>"\n`,
  });
  await server.start();
}));

after(guarded(async () => {
  try {
    if (server) await server.stop();
  } finally {
    server?.cleanup();
    sink?.stdin.end();
    fs.rmSync(mailDir, { recursive: true, force: true });
    exitSoon();
  }
}));

describe("e-mail with matrix-js-sdk", () => {
  let alice;

  test("sign-up with a verified address (require_email)", guarded(async () => {
    const client = sdk.createClient({ baseUrl: server.baseUrl });
    const secret = "alice-secret-1";
    const { sid } = await client.requestRegisterEmailToken("alice@example.org", secret, 1);
    assert.ok(sid);
    const { header } = latestLink();
    assert.match(header, /^To: alice@example\.org$/m);
    assert.match(header, /^From: Your Matrix homeserver <noreply@example\.org>$/m);
    assert.match(header, /^Message-ID: <.+>$/m);
    // The same send_attempt: the same sid, no second mail (spec).
    assert.equal((await client.requestRegisterEmailToken("alice@example.org", secret, 1)).sid, sid);
    assert.equal(mails().length, 1);

    const first = await challengeOf(client.registerRequest({ username: "alice",
                                                             password: kPassword }));
    assert.deepEqual(first.flows, [{ stages: [kEmailStage] }]);
    const auth = { type: kEmailStage, session: first.session,
                   threepid_creds: { sid, client_secret: secret } };
    // Not validated yet: still 401, the stage not completed.
    const early = await challengeOf(client.registerRequest({ username: "alice",
                                                             password: kPassword, auth }));
    assert.equal(early.errcode, "M_UNAUTHORIZED");
    await followLatestLink();
    const registered = await client.registerRequest({ username: "alice", password: kPassword,
                                                      auth });
    assert.equal(registered.user_id, "@alice:localhost");
    alice = sdk.createClient({ baseUrl: server.baseUrl, userId: registered.user_id,
                              accessToken: registered.access_token });
    const { threepids } = await alice.getThreePids();
    assert.deepEqual(threepids.map((t) => [t.medium, t.address]), [["email", "alice@example.org"]]);

    // The address is taken now.
    await assert.rejects(client.requestRegisterEmailToken("alice@example.org", "other", 1),
                         (error) => error.errcode === "M_THREEPID_IN_USE");
  }));

  test("adding, listing and deleting an address", guarded(async () => {
    const secret = "alice-secret-2";
    const { sid } = await alice.requestAdd3pidEmailToken("alice.work@example.org", secret, 1);
    await followLatestLink();
    const first = await challengeOf(alice.addThreePidOnly({ client_secret: secret, sid }));
    await alice.addThreePidOnly({
      client_secret: secret, sid,
      auth: { type: "m.login.password", session: first.session, password: kPassword,
              identifier: { type: "m.id.user", user: "alice" } },
    });
    let { threepids } = await alice.getThreePids();
    assert.deepEqual(threepids.map((t) => t.address).sort(),
                     ["alice.work@example.org", "alice@example.org"]);
    const deleted = await alice.deleteThreePid("email", "alice.work@example.org");
    assert.equal(deleted.id_server_unbind_result, "no-support");
    ({ threepids } = await alice.getThreePids());
    assert.deepEqual(threepids.map((t) => t.address), ["alice@example.org"]);
  }));

  test("login with the address", guarded(async () => {
    const client = sdk.createClient({ baseUrl: server.baseUrl });
    const response = await client.login("m.login.password", {
      identifier: { type: "m.id.thirdparty", medium: "email", address: "Alice@Example.org" },
      password: kPassword,
    });
    assert.equal(response.user_id, "@alice:localhost");
  }));

  test("password reset by e-mail; the old password stops working", guarded(async () => {
    const client = sdk.createClient({ baseUrl: server.baseUrl });  // no access token
    await assert.rejects(client.requestPasswordEmailToken("nobody@example.org", "s", 1),
                         (error) => error.errcode === "M_THREEPID_NOT_FOUND");
    const secret = "alice-reset-1";
    const { sid } = await client.requestPasswordEmailToken("alice@example.org", secret, 1);
    assert.match(latestLink().header, /^Subject: .*Password reset/m);
    const first = await challengeOf(client.setPassword({}, "brand new password"));
    assert.deepEqual(first.flows, [{ stages: [kEmailStage] }]);
    const auth = { type: kEmailStage, session: first.session,
                   threepid_creds: { sid, client_secret: secret } };
    await followLatestLink();
    await client.setPassword(auth, "brand new password");

    await assert.rejects(
      client.login("m.login.password", { identifier: { type: "m.id.user", user: "alice" },
                                         password: kPassword }),
      (error) => error.httpStatus === 403 && error.errcode === "M_FORBIDDEN");
    const login = await client.login("m.login.password", {
      identifier: { type: "m.id.user", user: "alice" }, password: "brand new password",
    });
    assert.equal(login.user_id, "@alice:localhost");
    // logout_devices defaults to true: the old session is gone.
    await assert.rejects(alice.getThreePids(), (error) => error.httpStatus === 401);
  }));
});
