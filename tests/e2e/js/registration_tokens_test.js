// Registration modes and token-authenticated registration with matrix-js-sdk against the real
// `myelin serve`: the default config (no `registration:` key) is token mode and offers exactly
// [m.login.registration_token]; an admin manages tokens through Synapse's admin API (fields,
// validation errors, 404s, ?valid=); users register with the token stage through the SDK's
// registerRequest; the validity endpoint; expired and used-up tokens are refused with 401
// M_UNAUTHORIZED; 50 concurrent sign-ups race for a 10-use token and exactly 10 win; non-admins
// get 403 M_FORBIDDEN from every token endpoint; closed mode refuses sign-up with 403; open mode
// offers m.login.dummy and warns at start-up that anyone may sign up.
//
// Usage: node registration_tokens_test.js /path/to/myelin
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { Homeserver, exitSoon, guarded, registerAdmin, sdk } from "./harness.js";

const kPassword = "correct horse battery staple";
const kTokenStage = "m.login.registration_token";
const kTokenChars = /^[A-Za-z0-9._~-]+$/;
const kAdminTokens = "/_synapse/admin/v1/registration_tokens";
const kValidity = "/_matrix/client/v1/register/m.login.registration_token/validity";
const kOpenWarning = "registration is open to anyone without e-mail verification";

const servers = [];

async function startServer(config) {
  const server = new Homeserver(undefined, "localhost", { config });
  servers.push(server);
  await server.start();
  return server;
}

/** One HTTP call with an optional bearer token: {status, body}. */
async function call(server, method, path, { body, token } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(server.baseUrl + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

function assertError(result, status, errcode, what) {
  assert.equal(result.status, status, `${what}: ${JSON.stringify(result.body)}`);
  assert.equal(result.body?.errcode, errcode, `${what}: ${JSON.stringify(result.body)}`);
}

/** The first step of registration: the 401 UIA challenge (flows and session). */
async function challenge(client, username) {
  try {
    await client.registerRequest({ username, password: kPassword });
  } catch (error) {
    if (error.httpStatus !== 401 || !error.data?.session) throw error;
    return error.data;
  }
  throw new Error("register without auth succeeded; the spec demands a 401 UIA challenge");
}

/**
 * Registers `username` with the SDK through the token stage (both UIA steps). Resolves with the
 * /register response; rejects with the SDK's MatrixError.
 */
async function registerWithToken(server, username, token) {
  const client = sdk.createClient({ baseUrl: server.baseUrl });
  const { session, flows } = await challenge(client, username);
  assert.deepEqual(flows, [{ stages: [kTokenStage] }]);
  return client.registerRequest({
    username, password: kPassword, auth: { type: kTokenStage, token, session },
  });
}

async function assertRefusedToken(server, username, token, what) {
  await assert.rejects(registerWithToken(server, username, token), (error) => {
    assert.equal(error.httpStatus, 401, `${what}: ${JSON.stringify(error.data)}`);
    assert.equal(error.data?.errcode, "M_UNAUTHORIZED", `${what}: ${JSON.stringify(error.data)}`);
    assert.ok(error.data?.session, `${what}: a UIA 401 keeps the session`);
    assert.deepEqual(error.data?.completed ?? [], []);
    return true;
  });
}

async function validity(server, token) {
  const result = await call(server, "GET", `${kValidity}?token=${encodeURIComponent(token)}`);
  assert.equal(result.status, 200, JSON.stringify(result.body));
  return result.body.valid;
}

after(guarded(async () => {
  try {
    for (const server of servers) await server.stop();
  } finally {
    for (const server of servers) server.cleanup();
    exitSoon();
  }
}));

describe("token mode (the default config)", () => {
  let server;
  let admin;

  const newToken = async (body) => {
    const result = await call(server, "POST", `${kAdminTokens}/new`,
                              { body, token: admin.accessToken });
    assert.equal(result.status, 200, JSON.stringify(result.body));
    return result.body;
  };
  const getToken = async (token) => {
    const result = await call(server, "GET", `${kAdminTokens}/${token}`,
                              { token: admin.accessToken });
    assert.equal(result.status, 200, JSON.stringify(result.body));
    return result.body;
  };

  before(guarded(async () => {
    server = await startServer("");  // nothing appended: no `registration:` key at all
    admin = await registerAdmin(server, "root");
  }));

  test("sign-up offers exactly the token flow; no start-up warning", guarded(async () => {
    const data = await challenge(sdk.createClient({ baseUrl: server.baseUrl }), "nobody");
    assert.deepEqual(data.flows, [{ stages: [kTokenStage] }]);
    assert.ok(!server.stderrTail(400).includes(kOpenWarning), server.stderrTail());
    // A guest account is refused whatever the mode.
    const guest = await call(server, "POST", "/_matrix/client/v3/register?kind=guest",
                             { body: {} });
    assertError(guest, 403, "M_GUEST_ACCESS_FORBIDDEN", "guest");
  }));

  test("admin API: create, read, update, list, delete as Synapse", guarded(async () => {
    const generated = await newToken({});
    assert.equal(generated.token.length, 16);
    assert.match(generated.token, kTokenChars);
    assert.deepEqual(generated, {
      token: generated.token, uses_allowed: null, pending: 0, completed: 0, expiry_time: null,
    });
    const short = await newToken({ length: 64, uses_allowed: 0 });
    assert.equal(short.token.length, 64);
    assert.match(short.token, kTokenChars);
    assert.equal(short.uses_allowed, 0);

    const expiry = Date.now() + 3_600_000;
    const named = await newToken({ token: "defg.h~i_j-K9", uses_allowed: 3, expiry_time: expiry });
    assert.deepEqual(named, {
      token: "defg.h~i_j-K9", uses_allowed: 3, pending: 0, completed: 0, expiry_time: expiry,
    });
    assert.deepEqual(await getToken("defg.h~i_j-K9"), named);

    // Synapse's refusals: 400 M_INVALID_PARAM for each bad value, and for a token that exists.
    const bad = [
      { token: "defg.h~i_j-K9" }, { token: "" }, { token: "a".repeat(65) }, { token: "a b" },
      { token: "ä" }, { token: 5 }, { length: 0 }, { length: 65 }, { length: "16" },
      { length: 1.5 }, { uses_allowed: -1 }, { uses_allowed: "1" }, { uses_allowed: true },
      { uses_allowed: 1.5 }, { expiry_time: Date.now() - 1000 }, { expiry_time: "soon" },
    ];
    for (const body of bad) {
      const result = await call(server, "POST", `${kAdminTokens}/new`,
                                { body, token: admin.accessToken });
      assertError(result, 400, "M_INVALID_PARAM", `POST new ${JSON.stringify(body)}`);
    }
    assertError(await call(server, "POST", `${kAdminTokens}/new`, { token: admin.accessToken }),
                400, "M_NOT_JSON", "POST new without a body");

    // PUT changes the fields given; null means unlimited / never expires.
    let put = await call(server, "PUT", `${kAdminTokens}/defg.h~i_j-K9`,
                         { body: { uses_allowed: 5 }, token: admin.accessToken });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(put.body, { ...named, uses_allowed: 5 });
    put = await call(server, "PUT", `${kAdminTokens}/defg.h~i_j-K9`,
                     { body: { expiry_time: null, uses_allowed: null }, token: admin.accessToken });
    assert.deepEqual(put.body, { ...named, uses_allowed: null, expiry_time: null });
    put = await call(server, "PUT", `${kAdminTokens}/defg.h~i_j-K9`,
                     { body: {}, token: admin.accessToken });
    assert.deepEqual(put.body, { ...named, uses_allowed: null, expiry_time: null });
    for (const body of [{ uses_allowed: -2 }, { expiry_time: 1 }, { expiry_time: "x" }]) {
      assertError(await call(server, "PUT", `${kAdminTokens}/defg.h~i_j-K9`,
                             { body, token: admin.accessToken }),
                  400, "M_INVALID_PARAM", `PUT ${JSON.stringify(body)}`);
    }

    // Unknown tokens: 404 M_NOT_FOUND from GET, PUT and DELETE.
    for (const method of ["GET", "PUT", "DELETE"]) {
      const result = await call(server, method, `${kAdminTokens}/missing`,
                                { body: method === "PUT" ? {} : undefined,
                                  token: admin.accessToken });
      assertError(result, 404, "M_NOT_FOUND", `${method} missing`);
      assert.equal(result.body.error, "No such registration token: missing");
    }

    // ?valid= splits the list; uses_allowed 0 makes a token invalid without deleting it.
    const list = async (query) => {
      const result = await call(server, "GET", kAdminTokens + query, { token: admin.accessToken });
      assert.equal(result.status, 200, JSON.stringify(result.body));
      return result.body.registration_tokens.map((token) => token.token);
    };
    const all = await list("");
    for (const token of [generated.token, short.token, "defg.h~i_j-K9"]) {
      assert.ok(all.includes(token), `${token} in ${all}`);
    }
    assert.ok((await list("?valid=true")).includes(generated.token));
    assert.ok(!(await list("?valid=true")).includes(short.token));
    assert.ok((await list("?valid=false")).includes(short.token));
    assert.ok(!(await list("?valid=false")).includes(generated.token));
    assertError(await call(server, "GET", `${kAdminTokens}?valid=maybe`,
                           { token: admin.accessToken }), 400, "M_INVALID_PARAM", "valid=maybe");

    const deleted = await call(server, "DELETE", `${kAdminTokens}/${generated.token}`,
                               { token: admin.accessToken });
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.body, {});
    assertError(await call(server, "GET", `${kAdminTokens}/${generated.token}`,
                           { token: admin.accessToken }), 404, "M_NOT_FOUND", "deleted");
    assert.equal(await validity(server, generated.token), false);
  }));

  test("a user registers with a token through the SDK; the use is counted", guarded(async () => {
    const { token } = await newToken({ uses_allowed: 2 });
    assert.equal(await validity(server, token), true);
    const response = await registerWithToken(server, "tina", token);
    assert.equal(response.user_id, "@tina:localhost");
    assert.ok(response.access_token && response.device_id);
    const whoami = await call(server, "GET", "/_matrix/client/v3/account/whoami",
                              { token: response.access_token });
    assert.equal(whoami.body.user_id, "@tina:localhost");
    assert.deepEqual(await getToken(token),
                     { token, uses_allowed: 2, pending: 0, completed: 1, expiry_time: null });
    assert.equal(await validity(server, token), true);

    // A wrong token answers 401 M_UNAUTHORIZED in the UIA body, and the session may go on.
    const client = sdk.createClient({ baseUrl: server.baseUrl });
    const { session } = await challenge(client, "tom");
    await assert.rejects(
      client.registerRequest({ username: "tom", password: kPassword,
                               auth: { type: kTokenStage, token: "wrong", session } }),
      (error) => error.httpStatus === 401 && error.data?.errcode === "M_UNAUTHORIZED" &&
                 error.data?.session === session);
    const tom = await client.registerRequest({
      username: "tom", password: kPassword, auth: { type: kTokenStage, token, session },
    });
    assert.equal(tom.user_id, "@tom:localhost");
    assert.deepEqual(await getToken(token),
                     { token, uses_allowed: 2, pending: 0, completed: 2, expiry_time: null });

    // Malformed stage dicts: Synapse's 400s.
    const { session: other } = await challenge(client, "tess");
    const missing = await call(server, "POST", "/_matrix/client/v3/register", {
      body: { username: "tess", password: kPassword, auth: { type: kTokenStage, session: other } },
    });
    assertError(missing, 400, "M_MISSING_PARAM", "no token in auth");
    const notString = await call(server, "POST", "/_matrix/client/v3/register", {
      body: { username: "tess", password: kPassword,
              auth: { type: kTokenStage, token: 7, session: other } },
    });
    assertError(notString, 400, "M_INVALID_PARAM", "numeric token");
  }));

  test("validity endpoint", guarded(async () => {
    assert.equal(await validity(server, "no-such-token"), false);
    assertError(await call(server, "GET", kValidity), 400, "M_MISSING_PARAM", "no token");
  }));

  test("a used-up token is refused", guarded(async () => {
    const { token } = await newToken({ uses_allowed: 1 });
    await registerWithToken(server, "una", token);
    assert.equal(await validity(server, token), false);
    await assertRefusedToken(server, "uma", token, "used-up token");
    assert.deepEqual(await getToken(token),
                     { token, uses_allowed: 1, pending: 0, completed: 1, expiry_time: null });
    const available = await call(server, "GET",
                                 "/_matrix/client/v3/register/available?username=uma");
    assert.deepEqual(available.body, { available: true });
  }));

  test("an expired token is refused", guarded(async () => {
    // The API refuses an expiry in the past, so the token is made to expire a moment from now
    // and the test waits for the wall clock to pass it (the server has no test clock).
    const expiry = Date.now() + 1_000;
    const { token } = await newToken({ expiry_time: expiry });
    assert.equal(await validity(server, token), true);
    while (Date.now() <= expiry + 50) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(await validity(server, token), false);
    await assertRefusedToken(server, "eve", token, "expired token");
    const listed = await call(server, "GET", `${kAdminTokens}?valid=false`,
                              { token: admin.accessToken });
    assert.ok(listed.body.registration_tokens.some((t) => t.token === token));
  }));

  test("50 concurrent sign-ups race for a 10-use token: exactly 10 win", guarded(async () => {
    const { token } = await newToken({ uses_allowed: 10 });
    const names = Array.from({ length: 50 }, (_, i) => `racer${i}`);
    const outcomes = await Promise.allSettled(
      names.map((name) => registerWithToken(server, name, token)));
    const won = outcomes.filter((o) => o.status === "fulfilled");
    const lost = outcomes.filter((o) => o.status === "rejected");
    for (const outcome of lost) {
      const error = outcome.reason;
      assert.equal(error.httpStatus, 401, `a loser: ${error.httpStatus} ${JSON.stringify(error.data)}`);
      assert.equal(error.data?.errcode, "M_UNAUTHORIZED", JSON.stringify(error.data));
    }
    assert.equal(won.length, 10);
    assert.equal(lost.length, 40);
    assert.equal(new Set(won.map((o) => o.value.user_id)).size, 10);
    assert.deepEqual(await getToken(token),
                     { token, uses_allowed: 10, pending: 0, completed: 10, expiry_time: null });
    assert.equal(await validity(server, token), false);
    // The losers have no account.
    const loser = names[outcomes.findIndex((o) => o.status === "rejected")];
    const available = await call(server, "GET",
                                 `/_matrix/client/v3/register/available?username=${loser}`);
    assert.deepEqual(available.body, { available: true });
  }));

  test("a non-admin gets 403 M_FORBIDDEN from every token endpoint", guarded(async () => {
    const { token } = await newToken({});
    const user = await registerWithToken(server, "mallory", token);
    const attempts = [
      ["GET", kAdminTokens, undefined],
      ["GET", `${kAdminTokens}?valid=true`, undefined],
      ["POST", `${kAdminTokens}/new`, {}],
      ["GET", `${kAdminTokens}/${token}`, undefined],
      ["PUT", `${kAdminTokens}/${token}`, { uses_allowed: 1000 }],
      ["DELETE", `${kAdminTokens}/${token}`, undefined],
    ];
    for (const [method, path, body] of attempts) {
      const result = await call(server, method, path, { body, token: user.access_token });
      assertError(result, 403, "M_FORBIDDEN", `${method} ${path} as a non-admin`);
      const anonymous = await call(server, method, path, { body });
      assertError(anonymous, 401, "M_MISSING_TOKEN", `${method} ${path} without a token`);
    }
    // Nothing changed.
    assert.deepEqual(await getToken(token),
                     { token, uses_allowed: null, pending: 0, completed: 1, expiry_time: null });
  }));
});

describe("closed mode", () => {
  test("refuses sign-up and token checks with 403; admins still create users",
       guarded(async () => {
         const server = await startServer("registration: {mode: closed}\n");
         const client = sdk.createClient({ baseUrl: server.baseUrl });
         await assert.rejects(client.registerRequest({ username: "carl", password: kPassword }),
                              (error) => error.httpStatus === 403 &&
                                         error.errcode === "M_FORBIDDEN" &&
                                         /Registration has been disabled/.test(error.data?.error));
         assertError(await call(server, "GET", `${kValidity}?token=abc`), 403, "M_FORBIDDEN",
                     "validity while closed");
         const admin = await registerAdmin(server, "boss");
         assert.equal(admin.userId, "@boss:localhost");
         // Tokens can still be managed (ready for when sign-up opens).
         const created = await call(server, "POST", `${kAdminTokens}/new`,
                                    { body: { token: "later" }, token: admin.accessToken });
         assert.equal(created.status, 200, JSON.stringify(created.body));
         assert.ok(!server.stderrTail(400).includes(kOpenWarning));
       }));
});

describe("open mode", () => {
  test("offers m.login.dummy and warns at start-up", guarded(async () => {
    const server = await startServer("registration: {mode: open}\n");
    const client = sdk.createClient({ baseUrl: server.baseUrl });
    const data = await challenge(client, "olga");
    assert.deepEqual(data.flows, [{ stages: ["m.login.dummy"] }]);
    const response = await client.registerRequest({
      username: "olga", password: kPassword, auth: { type: "m.login.dummy", session: data.session },
    });
    assert.equal(response.user_id, "@olga:localhost");
    const log = server.stderrTail(400);
    assert.ok(log.split("\n").some((line) => line.includes(kOpenWarning) &&
                                             /config/.test(line) && /warn/i.test(line)),
              `no start-up warning about open registration in\n${log}`);
  }));
});
