// Single sign-on through OpenID Connect against a real provider: the `oidc-provider` package
// serving https on loopback with a throwaway CA (made by `openssl` here, trusted by myelin
// through trusted_ca_files) and a certificate for "localhost" (so SNI and host-name checks run).
// A small cookie-keeping browser follows the whole redirect flow: /login/sso/redirect → the
// provider's authorization endpoint (PKCE S256, state, nonce) → its login and consent forms →
// myelin's /_synapse/client/oidc/callback (code exchange, ID token checked against the JWKS,
// userinfo) → the client's redirectUrl with a loginToken, which matrix-js-sdk trades at POST
// /login (m.login.token).
//
// Covered: GET /login advertises m.login.sso with both providers and m.login.token; the chooser
// page; sign-up with the templated localpart and display name while registration is closed;
// the same account on the next sign-in; replayed and made-up login tokens (403 M_FORBIDDEN);
// attribute requirements refusing a user; a second provider with client_secret_post,
// userinfo and allow_existing_users linking the same person; a taken localpart getting a
// number; a forged or replayed state and a callback in another browser refused; non-http
// redirectUrls refused.
//
// Usage: node sso_test.js /path/to/myelin
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import Provider from "oidc-provider";

import { Homeserver, exitSoon, guarded, registerAdmin, sdk } from "./harness.js";

const kClientApp = "http://127.0.0.1:9/app/sso?from=test";
const kCallbackPath = "/_synapse/client/oidc/callback";

// The provider's users; the dev login form signs in whoever is named.
const kAccounts = {
  alice: { preferred_username: "Alice.Liddell", name: "Alice Liddell",
           email: "alice@example.org", groups: ["staff", "readers"] },
  bob: { preferred_username: "bob", name: "Bob", email: "bob@example.org", groups: ["guests"] },
  carol: { preferred_username: "Carol", name: "Carol C.", email: "carol@example.org",
           groups: ["staff"] },
  dave: { preferred_username: "dave", name: "Dave from SSO", email: "dave@example.org",
          groups: ["staff"] },
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "myelin-sso-"));
let ca;
let idpServer;
let homeserver;

function openssl(...args) {
  const result = spawnSync("openssl", args, { cwd: tmp, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${result.stderr}`);
}

/** A CA and a certificate it signed for localhost and 127.0.0.1 (P-256 keys: quick). */
function makeCertificates() {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1",
          "-subj", "/CN=myelin sso test CA", "-addext", "basicConstraints=critical,CA:TRUE",
          "-addext", "keyUsage=critical,keyCertSign");
  openssl("req", ...ec, "-keyout", "idp.key", "-out", "idp.csr", "-subj", "/CN=localhost");
  fs.writeFileSync(path.join(tmp, "ext.cnf"),
                   "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  openssl("x509", "-req", "-in", "idp.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
          "-CAcreateserial", "-out", "idp.pem", "-days", "1", "-extfile", "ext.cnf");
  return {
    caPath: path.join(tmp, "ca.pem"),
    ca: fs.readFileSync(path.join(tmp, "ca.pem")),
    key: fs.readFileSync(path.join(tmp, "idp.key")),
    cert: fs.readFileSync(path.join(tmp, "idp.pem")),
  };
}

/** A loopback port free right now, for myelin's listener: its public_baseurl (and so the
 *  redirect URI registered at the provider) must be known before it starts. */
async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One request without following redirects: {status, headers, body}. */
function request(url, { method = "GET", headers = {}, body } = {}) {
  const target = new URL(url);
  const transport = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(target, { method, headers, ca: ca.ca }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers,
                                    body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** A browser: cookies per host:port, redirects followed by hand so each hop can be seen. */
class Browser {
  cookies = new Map();

  async fetch(url, options = {}) {
    const target = new URL(url);
    const jar = this.cookies.get(target.host) ?? new Map();
    const headers = { ...(options.headers ?? {}) };
    if (jar.size) headers.Cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const response = await request(url, { ...options, headers });
    for (const line of [response.headers["set-cookie"] ?? []].flat()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) ||
                      attributes.some((a) => /^\s*expires=.*1970/i.test(a));
      if (expired || value === "") jar.delete(name); else jar.set(name, value);
    }
    this.cookies.set(target.host, jar);
    return response;
  }

  async post(url, fields) {
    return this.fetch(url, {
      method: "POST", body: new URLSearchParams(fields).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
  }
}

/** Follows redirects from `url` until the client app, a page (200) or an error. */
async function follow(browser, url, response = null) {
  let current = url;
  let hops = 0;
  response ??= await browser.fetch(current);
  while (response.status >= 300 && response.status < 400) {
    const next = new URL(response.headers.location, current).toString();
    if (next.startsWith(kClientApp.split("?")[0])) return { url: next, response };
    assert.ok(++hops < 20, "redirect loop");
    current = next;
    response = await browser.fetch(current);
  }
  return { url: current, response };
}

function formAction(page, base) {
  const match = /<form[^>]*action="([^"]+)"/.exec(page.body);
  assert.ok(match, `no form in ${page.body.slice(0, 400)}`);
  return new URL(match[1].replaceAll("&amp;", "&"), base).toString();
}

/**
 * The whole sign-in as a browser: from myelin's redirect endpoint through the provider's login
 * and consent forms to the callback. Returns {url, response, browser} where url is the client
 * app's URL (with loginToken) on success, or the page myelin answered with.
 */
async function signIn(login, ssoPath, { browser = new Browser(), stopAtCallback = false } = {}) {
  let step = await follow(browser, homeserver.baseUrl + ssoPath);
  for (let forms = 0; forms < 4; ++forms) {
    if (!step.url.startsWith(issuer())) return { ...step, browser };
    assert.equal(step.response.status, 200, step.response.body.slice(0, 400));
    const action = formAction(step.response, step.url);
    const fields = /name="login"/.test(step.response.body)
      ? { prompt: "login", login, password: "any" }
      : { prompt: "consent" };
    let response = await browser.post(action, fields);
    // Hop through the provider until it sends the browser back to myelin.
    let current = action;
    while (response.status >= 300 && response.status < 400) {
      const next = new URL(response.headers.location, current).toString();
      if (stopAtCallback && next.includes(kCallbackPath)) return { url: next, browser };
      if (!next.startsWith(issuer())) {
        step = await follow(browser, next);
        break;
      }
      current = next;
      response = await browser.fetch(current);
    }
    if (response.status === 200) step = { url: current, response };
  }
  return { ...step, browser };
}

function issuer() {
  return `https://localhost:${idpServer.address().port}`;
}

function loginToken(url) {
  assert.ok(url.startsWith(kClientApp), `expected the client app, got ${url}`);
  const parsed = new URL(url);
  assert.equal(parsed.searchParams.get("from"), "test", "the client's own query is kept");
  const token = parsed.searchParams.get("loginToken");
  assert.ok(token, `no loginToken in ${url}`);
  return token;
}

async function loginWithToken(token) {
  const client = sdk.createClient({ baseUrl: homeserver.baseUrl });
  const response = await client.loginRequest({ type: "m.login.token", token });
  return { client, response };
}

async function postLogin(body) {
  const response = await request(homeserver.baseUrl + "/_matrix/client/v3/login", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  return { status: response.status, body: JSON.parse(response.body) };
}

const redirectPath = (idp) =>
  `/_matrix/client/v3/login/sso/redirect${idp ? "/" + idp : ""}` +
  `?redirectUrl=${encodeURIComponent(kClientApp)}`;

before(guarded(async () => {
  ca = makeCertificates();
  // The provider's https server listens first: its port is part of the issuer.
  let handler = (req, res) => { res.statusCode = 503; res.end(); };
  idpServer = https.createServer({ key: ca.key, cert: ca.cert }, (req, res) => handler(req, res));
  await new Promise((resolve) => idpServer.listen(0, "127.0.0.1", resolve));

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const callback = `${baseUrl}${kCallbackPath}`;
  const provider = new Provider(issuer(), {
    clients: [
      { client_id: "myelin-basic", client_secret: "basic-secret", redirect_uris: [callback],
        token_endpoint_auth_method: "client_secret_basic" },
      { client_id: "myelin-post", client_secret: "post-secret", redirect_uris: [callback],
        token_endpoint_auth_method: "client_secret_post" },
    ],
    async findAccount(ctx, id) {
      if (!kAccounts[id]) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...kAccounts[id] }) };
    },
    claims: { openid: ["sub"], profile: ["name", "preferred_username"], email: ["email"],
              groups: ["groups"] },
    // Profile claims in the ID token too, not only from userinfo (the basic provider reads
    // them there; the post provider asks userinfo).
    conformIdTokenClaims: false,
    // PKCE for every client: a relying party without it fails.
    pkce: { required: () => true },
    cookies: { keys: ["sso-test-cookie-key"] },
  });
  handler = provider.callback();

  const config = `
registration: {mode: closed}
public_baseurl: "${baseUrl}/"
trusted_ca_files: ["${ca.caPath}"]
oidc_providers:
  - idp_id: basic
    idp_name: "Basic IdP"
    idp_icon: "mxc://localhost/basic-icon"
    issuer: "${issuer()}"
    client_id: myelin-basic
    client_secret: basic-secret
    scopes: [openid, profile, email, groups]
    user_mapping_provider:
      config:
        localpart_template: "{{ user.preferred_username | lower }}"
        display_name_template: "{{ user.name }}"
  - idp_id: oidc-post
    idp_name: "Post IdP"
    issuer: "${issuer()}"
    client_id: myelin-post
    client_secret: post-secret
    client_auth_method: client_secret_post
    pkce_method: always
    scopes: [openid, profile, groups]
    user_profile_method: userinfo_endpoint
    allow_existing_users: true
    user_mapping_provider:
      config:
        localpart_template: "{{ user.preferred_username }}"
        display_name_template: "{{ user.name }} (post)"
    attribute_requirements:
      - {attribute: groups, value: staff}
`;
  homeserver = new Homeserver(undefined, "localhost", { config });
  const generated = fs.readFileSync(homeserver.configPath, "utf8");
  assert.match(generated, /port: 0\b/);
  fs.writeFileSync(homeserver.configPath, generated.replace(/port: 0\b/, `port: ${port}`));
  await homeserver.start();
  assert.equal(homeserver.baseUrl, baseUrl);
}));

after(guarded(async () => {
  try {
    if (homeserver) await homeserver.stop();
    idpServer?.close();
    idpServer?.closeAllConnections();
  } finally {
    homeserver?.cleanup();
    fs.rmSync(tmp, { recursive: true, force: true });
    exitSoon();
  }
}));

describe("OpenID Connect single sign-on", () => {
  test("GET /login advertises both providers and m.login.token", guarded(async () => {
    const client = sdk.createClient({ baseUrl: homeserver.baseUrl });
    const { flows } = await client.loginFlows();
    const sso = flows.find((flow) => flow.type === "m.login.sso");
    assert.deepEqual(sso?.identity_providers, [
      { id: "oidc-basic", name: "Basic IdP", icon: "mxc://localhost/basic-icon" },
      { id: "oidc-post", name: "Post IdP" },
    ]);
    assert.ok(flows.some((flow) => flow.type === "m.login.token"));
    assert.ok(flows.some((flow) => flow.type === "m.login.password"));
  }));

  test("several providers: the redirect endpoint offers a choice", guarded(async () => {
    const page = await request(homeserver.baseUrl + redirectPath(null));
    assert.equal(page.status, 200);
    assert.match(page.headers["content-type"], /text\/html/);
    for (const id of ["oidc-basic", "oidc-post"]) {
      assert.ok(page.body.includes(`/login/sso/redirect/${id}?redirectUrl=`), page.body);
    }
    assert.ok(page.body.includes("Basic IdP") && page.body.includes("Post IdP"));
  }));

  test("the redirect goes to the provider with PKCE, state and nonce", guarded(async () => {
    const response = await request(homeserver.baseUrl + redirectPath("oidc-basic"));
    assert.equal(response.status, 302);
    const location = new URL(response.headers.location);
    assert.equal(location.origin, issuer());
    const q = location.searchParams;
    assert.equal(q.get("client_id"), "myelin-basic");
    assert.equal(q.get("response_type"), "code");
    assert.equal(q.get("redirect_uri"), homeserver.baseUrl + kCallbackPath);
    assert.equal(q.get("code_challenge_method"), "S256");
    assert.match(q.get("code_challenge"), /^[A-Za-z0-9_-]{43}$/);
    assert.ok(q.get("state")?.length >= 16 && q.get("nonce")?.length >= 16);
    assert.deepEqual(q.get("scope").split(" "), ["openid", "profile", "email", "groups"]);
    const cookie = [response.headers["set-cookie"]].flat().join("\n");
    assert.match(cookie, /oidc_session=\w+;.*Path=\/_synapse\/client\/oidc.*HttpOnly/);
  }));

  test("first sign-in creates the mapped user though registration is closed; the next one " +
       "finds the same account; login tokens work once", guarded(async () => {
    const first = await signIn("alice", redirectPath("oidc-basic"));
    const token = loginToken(first.url);
    const { client, response } = await loginWithToken(token);
    assert.equal(response.user_id, "@alice.liddell:localhost");
    assert.ok(response.access_token && response.device_id);
    const profile = await client.getProfileInfo("@alice.liddell:localhost");
    assert.equal(profile.displayname, "Alice Liddell");
    client.setAccessToken(response.access_token);
    const whoami = await client.whoami();
    assert.equal(whoami.user_id, "@alice.liddell:localhost");

    const replayed = await postLogin({ type: "m.login.token", token });
    assert.equal(replayed.status, 403);
    assert.equal(replayed.body.errcode, "M_FORBIDDEN");
    const madeUp = await postLogin({ type: "m.login.token", token: "syl_notarealtoken" });
    assert.equal(madeUp.status, 403);
    assert.equal(madeUp.body.errcode, "M_FORBIDDEN");
    const missing = await postLogin({ type: "m.login.token" });
    assert.equal(missing.status, 400);

    const second = await signIn("alice", redirectPath("oidc-basic"));
    const again = await loginWithToken(loginToken(second.url));
    assert.equal(again.response.user_id, "@alice.liddell:localhost");
    assert.notEqual(again.response.device_id, response.device_id);
  }));

  test("attribute requirements refuse a user with an error page", guarded(async () => {
    const refused = await signIn("bob", redirectPath("oidc-post"));
    assert.equal(refused.response.status, 403);
    assert.match(refused.response.headers["content-type"], /text\/html/);
    assert.match(refused.response.body, /not allowed/);
    assert.ok(!refused.url.startsWith(kClientApp));
    // No account was made for bob.
    const available = await request(homeserver.baseUrl +
                                     "/_matrix/client/v3/profile/%40bob%3Alocalhost");
    assert.equal(available.status, 404);
  }));

  test("the second provider: client_secret_post, userinfo, and allow_existing_users links " +
       "the existing account", guarded(async () => {
    const carol = await signIn("carol", redirectPath("oidc-post"));
    const { client, response } = await loginWithToken(loginToken(carol.url));
    assert.equal(response.user_id, "@carol:localhost");
    const profile = await client.getProfileInfo("@carol:localhost");
    assert.equal(profile.displayname, "Carol C. (post)");  // from userinfo

    // alice's localpart through this provider's template is "Alice.Liddell" → alice.liddell,
    // which exists: linked because allow_existing_users is set.
    const alice = await signIn("alice", redirectPath("oidc-post"));
    const linked = await loginWithToken(loginToken(alice.url));
    assert.equal(linked.response.user_id, "@alice.liddell:localhost");
  }));

  test("a taken localpart gets a number when linking is not allowed", guarded(async () => {
    await registerAdmin(homeserver, "dave");
    const dave = await signIn("dave", redirectPath("oidc-basic"));
    const { response } = await loginWithToken(loginToken(dave.url));
    assert.equal(response.user_id, "@dave1:localhost");
    const again = await signIn("dave", redirectPath("oidc-basic"));
    assert.equal((await loginWithToken(loginToken(again.url))).response.user_id,
                 "@dave1:localhost");
  }));

  test("forged, replayed and foreign-browser callbacks are refused", guarded(async () => {
    const forged = await request(homeserver.baseUrl + kCallbackPath + "?code=abc&state=forged");
    assert.equal(forged.status, 400);
    assert.match(forged.body, /invalid or has expired/);

    // A real callback URL, opened in a browser that did not start the flow.
    const started = await signIn("alice", redirectPath("oidc-basic"), { stopAtCallback: true });
    const stranger = new Browser();
    const foreign = await stranger.fetch(started.url);
    assert.equal(foreign.status, 400);
    assert.ok(!foreign.headers.location);
    // The state is spent: the right browser cannot use it afterwards either.
    const late = await started.browser.fetch(started.url);
    assert.equal(late.status, 400);

    // And a completed callback cannot be replayed.
    const done = await signIn("alice", redirectPath("oidc-basic"), { stopAtCallback: true });
    const ok = await done.browser.fetch(done.url);
    assert.equal(ok.status, 302);
    assert.ok(ok.headers.location.startsWith(kClientApp));
    const replay = await done.browser.fetch(done.url);
    assert.equal(replay.status, 400);
  }));

  test("bad requests to the redirect endpoint", guarded(async () => {
    const noUrl = await request(homeserver.baseUrl + "/_matrix/client/v3/login/sso/redirect");
    assert.equal(noUrl.status, 400);
    assert.equal(JSON.parse(noUrl.body).errcode, "M_MISSING_PARAM");
    const script = await request(homeserver.baseUrl +
      "/_matrix/client/v3/login/sso/redirect/oidc-basic?redirectUrl=javascript%3Aalert(1)");
    assert.equal(script.status, 400);
    assert.equal(JSON.parse(script.body).errcode, "M_INVALID_PARAM");
    const unknown = await request(homeserver.baseUrl +
      "/_matrix/client/r0/login/sso/redirect/oidc-nope?redirectUrl=" +
      encodeURIComponent(kClientApp));
    assert.equal(unknown.status, 404);
  }));
});
