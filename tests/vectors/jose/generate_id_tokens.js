// Generates id_tokens.json: key sets and compact JWS ID tokens (RS256, ES256) for the JOSE unit
// tests in src/services/sso. Run once with `node generate_id_tokens.js > id_tokens.json`; the
// output is committed so the tests are deterministic.
import { generateKeyPairSync, sign } from "node:crypto";

const b64url = (data) => Buffer.from(data).toString("base64url");

function keyPair(type, kid) {
  const options = type === "rsa" ? { modulusLength: 2048 } : { namedCurve: "P-256" };
  const { publicKey, privateKey } = generateKeyPairSync(type === "rsa" ? "rsa" : "ec", options);
  const jwk = publicKey.export({ format: "jwk" });
  return { jwk: { ...jwk, kid, use: "sig", alg: type === "rsa" ? "RS256" : "ES256" }, privateKey };
}

function jws(alg, kid, privateKey, claims) {
  const header = b64url(JSON.stringify({ alg, kid, typ: "JWT" }));
  const payload = b64url(JSON.stringify(claims));
  const input = `${header}.${payload}`;
  const signature =
    alg === "RS256"
      ? sign("sha256", Buffer.from(input), privateKey)
      : sign("sha256", Buffer.from(input), { key: privateKey, dsaEncoding: "ieee-p1363" });
  return `${input}.${b64url(signature)}`;
}

const rsa = keyPair("rsa", "rsa-1");
const ec = keyPair("ec", "ec-1");
const stranger = keyPair("rsa", "rsa-1");  // same kid, different key

const now = 1700000100;
const base = {
  iss: "https://idp.example",
  sub: "alice-sub",
  aud: "myelin",
  exp: now + 3600,
  iat: now - 10,
  nonce: "n-0S6_WzA2Mj",
  name: "Alice Liddell",
  preferred_username: "Alice",
};

const cases = [];
const add = (name, token, expect) => cases.push({ name, token, expect });

add("rs256 valid", jws("RS256", "rsa-1", rsa.privateKey, base), "valid");
add("es256 valid", jws("ES256", "ec-1", ec.privateKey, base), "valid");
add("audience array with azp", jws("RS256", "rsa-1", rsa.privateKey,
    { ...base, aud: ["other", "myelin"], azp: "myelin" }), "valid");
add("audience array without azp", jws("RS256", "rsa-1", rsa.privateKey,
    { ...base, aud: ["other", "myelin"] }), "another party");
const valid = jws("RS256", "rsa-1", rsa.privateKey, base);
const [h, p, s] = valid.split(".");
const tamperedPayload = b64url(JSON.stringify({ ...base, sub: "mallory" }));
add("tampered payload", `${h}.${tamperedPayload}.${s}`, "signature");
const flipped = Buffer.from(s, "base64url");
flipped[10] ^= 1;
add("tampered signature", `${h}.${p}.${b64url(flipped)}`, "signature");
add("wrong key", jws("RS256", "rsa-1", stranger.privateKey, base), "signature");
add("unknown kid", jws("RS256", "rsa-9", rsa.privateKey, base), "unknown key");
add("expired", jws("RS256", "rsa-1", rsa.privateKey,
    { ...base, iat: now - 7200, exp: now - 3600 }), "expired");
add("expired within leeway", jws("RS256", "rsa-1", rsa.privateKey,
    { ...base, exp: now - 30 }), "valid");
add("not yet valid", jws("ES256", "ec-1", ec.privateKey, { ...base, nbf: now + 600 }),
    "not valid yet");
add("issued in the future", jws("ES256", "ec-1", ec.privateKey, { ...base, iat: now + 600 }),
    "future");
add("wrong audience", jws("RS256", "rsa-1", rsa.privateKey, { ...base, aud: "someone-else" }),
    "not meant");
add("wrong issuer", jws("RS256", "rsa-1", rsa.privateKey,
    { ...base, iss: "https://evil.example" }), "issuer");
add("wrong nonce", jws("RS256", "rsa-1", rsa.privateKey, { ...base, nonce: "replayed" }),
    "nonce");
add("no nonce", jws("RS256", "rsa-1", rsa.privateKey, { ...base, nonce: undefined }), "nonce");
add("alg none", `${b64url(JSON.stringify({ alg: "none" }))}.${p}.`, "not accepted");
add("alg HS256", `${b64url(JSON.stringify({ alg: "HS256", kid: "rsa-1" }))}.${p}.${s}`,
    "not accepted");
add("es256 header on rsa signature", `${b64url(JSON.stringify({ alg: "ES256", kid: "ec-1" }))}.${p}.${s}`,
    "signature");
add("two parts", `${h}.${p}`, "malformed");

console.log(JSON.stringify({
  expectations: { issuer: base.iss, client_id: "myelin", nonce: base.nonce, now_s: now,
    leeway_s: 60 },
  jwks: { keys: [rsa.jwk, ec.jwk, { kty: "oct", k: "c2VjcmV0", kid: "hmac" }] },
  cases,
}, null, 2));
