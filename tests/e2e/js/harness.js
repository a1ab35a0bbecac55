// Runs the real `myelin` binary on loopback and connects matrix-js-sdk clients to it.
//
// The server is started exactly as an operator starts it (/work/notes/server-contract.md):
// `myelin generate-config --listen 127.0.0.1:0`, open registration switched on with Synapse's
// key names, `myelin serve --config` until its "myelin: serving ... on http://HOST:PORT" stdout
// line (never a sleep), and SIGTERM, after which the process must exit with status 0. Only the
// PID started here is ever signalled.
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

import * as sdk from "matrix-js-sdk";
import { logger } from "matrix-js-sdk/lib/logger.js";

// The SDK logs every sync at info level; keep its warnings (they explain failures) only.
logger.setLevel(process.env.MYELIN_E2E_SDK_LOG ?? "warn");

const kServingLine = /^myelin: serving (\S+) on (http:\/\/[^\s:]+:(\d+))\s*$/;
const kStartTimeoutMs = 20_000;
const kStopTimeoutMs = 15_000;
export const kEventTimeoutMs = 10_000;

const kRepoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * The binary under test: argv[2] (as CTest passes it), else $MYELIN, else the repository's
 * build/myelin (`npm test` in this folder runs every *_test.js without arguments).
 */
export function myelinPath() {
  const arg = process.argv[2];
  if (arg && !arg.startsWith("-")) return path.resolve(arg);
  return path.resolve(process.env.MYELIN ?? path.join(kRepoRoot, "build/myelin"));
}

/**
 * Every rc_* key of myelin (Synapse's names) at a rate no test reaches: tests register and log
 * in dozens of users from 127.0.0.1 and send bursts of messages.
 */
const kLimit = "{per_second: 1000000, burst_count: 1000000}";
export const kPermissiveRateLimits =
    `rc_message: ${kLimit}\n` +
    `rc_registration: ${kLimit}\n` +
    `rc_registration_token_validity: ${kLimit}\n` +
    `rc_login: {address: ${kLimit}, account: ${kLimit}, failed_attempts: ${kLimit}}\n` +
    `rc_joins: {local: ${kLimit}, remote: ${kLimit}}\n` +
    `rc_invites: {per_room: ${kLimit}, per_user: ${kLimit}, per_issuer: ${kLimit}}\n` +
    `rc_3pid_validation: ${kLimit}\n`;

/** One `myelin serve` process over a temporary data directory that survives restarts. */
export class Homeserver {
  /**
   * `config` is YAML appended to the generated config file: open sign-up unless a test
   * configures its own. `rateLimits` (rc_* YAML) is appended too: permissive limits unless a
   * test passes its own ("" leaves Synapse's defaults).
   */
  constructor(binary = myelinPath(), serverName = "localhost",
              { config = "registration: {mode: open}\n",
                rateLimits = kPermissiveRateLimits } = {}) {
    this.binary = binary;
    this.serverName = serverName;
    this.extraConfig = config;
    this.rateLimits = rateLimits;
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "myelin-e2e-js-"));
    this.configPath = path.join(this.dataDir, "homeserver.yaml");
    this.stderrPath = path.join(this.dataDir, "stderr.log");
    this.process = null;
    this.baseUrl = null;
    this.listeners = {};
    this.#generateConfig();
  }

  #generateConfig() {
    const result = spawnSync(this.binary, [
      "generate-config", "--server-name", this.serverName, "--listen", "127.0.0.1:0",
      "--data-dir", this.dataDir, "-o", this.configPath,
    ], { encoding: "utf8", timeout: 30_000 });
    if (result.status !== 0) {
      throw new Error(`generate-config failed (${result.status ?? result.signal}): ` +
                      `${result.stderr ?? result.error}`);
    }
    fs.appendFileSync(this.configPath, "\n" + this.extraConfig + "\n" + this.rateLimits);
  }

  /** Starts `myelin serve` and resolves once every listener's serving line has appeared. */
  async start() {
    if (this.process) throw new Error("already running");
    const stderr = fs.openSync(this.stderrPath, "a");
    fs.writeSync(stderr, `---- start ${new Date().toISOString()} ----\n`);
    const child = spawn(this.binary, ["serve", "--config", this.configPath],
                        { stdio: ["ignore", "pipe", stderr] });
    fs.closeSync(stderr);
    this.process = child;
    this.exited = new Promise((resolve) => child.on("exit", (code, signal) =>
      resolve({ code, signal })));
    this.listeners = {};

    // The stream is read for the whole run so the pipe never fills and blocks the server.
    const lines = readline.createInterface({ input: child.stdout });
    const serving = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(
        `no 'myelin: serving' line within ${kStartTimeoutMs} ms\n${this.stderrTail()}`)),
        kStartTimeoutMs);
      lines.on("line", (line) => {
        const match = kServingLine.exec(line);
        if (!match) return;
        this.listeners[match[1]] = match[2];
        // One line per listener; the client listener is the one the tests need.
        if (match[1].split("+").includes("client")) {
          clearTimeout(timer);
          resolve(match[2]);
        }
      });
      this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`myelin serve exited before serving (${code ?? signal})\n` +
                         this.stderrTail()));
      });
    });
    try {
      this.baseUrl = await serving;
    } catch (error) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      this.process = null;
      throw error;
    }
    return this;
  }

  /** SIGTERM; the contract says the process exits with status 0 within a few seconds. */
  async stop() {
    const child = this.process;
    if (!child) return;
    this.process = null;
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve(null), kStopTimeoutMs);
    });
    const result = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (result === null) {
      child.kill("SIGKILL");
      throw new Error(`myelin serve did not exit within ${kStopTimeoutMs} ms of SIGTERM\n` +
                      this.stderrTail());
    }
    if (result.code !== 0) {
      throw new Error(`myelin serve exited with ${result.code ?? result.signal} after SIGTERM\n` +
                      this.stderrTail());
    }
  }

  /** Removes the data directory unless MYELIN_E2E_KEEP=1 (then its path is printed). */
  cleanup() {
    if (process.env.MYELIN_E2E_KEEP === "1") {
      console.error(`myelin data dir kept: ${this.dataDir}`);
      return;
    }
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  stderrTail(lines = 40) {
    try {
      const text = fs.readFileSync(this.stderrPath, "utf8").trimEnd().split("\n");
      return "---- myelin stderr (tail) ----\n" + text.slice(-lines).join("\n");
    } catch {
      return "(no stderr)";
    }
  }
}

/**
 * A server admin, made as operators make the first one: Synapse's shared-secret registration
 * (GET a nonce, POST the HMAC-SHA1 of nonce, name, password and "admin"). Returns credentials.
 */
export async function registerAdmin(server, username,
                                    password = "correct horse battery staple") {
  const config = fs.readFileSync(server.configPath, "utf8");
  const secret = /^registration_shared_secret:\s*"?([^"\s]+)"?\s*$/m.exec(config)?.[1];
  if (!secret) throw new Error(`no registration_shared_secret in ${server.configPath}`);
  const url = `${server.baseUrl}/_synapse/admin/v1/register`;
  const { nonce } = await (await fetch(url)).json();
  const mac = crypto.createHmac("sha1", secret)
    .update([nonce, username, password, "admin"].join("\0")).digest("hex");
  const response = await fetch(url, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ nonce, username, password, admin: true, mac }),
  });
  const body = await response.json();
  if (response.status !== 200) {
    throw new Error(`shared-secret registration of ${username}: ${response.status} ` +
                    JSON.stringify(body));
  }
  return { userId: body.user_id, accessToken: body.access_token, deviceId: body.device_id };
}

/** Registers `username` through the spec's user-interactive auth with m.login.dummy. */
export async function register(baseUrl, username, password = "correct horse battery staple") {
  const client = sdk.createClient({ baseUrl });
  let session;
  try {
    await client.registerRequest({ username, password });
    throw new Error("register without auth succeeded; the spec demands a 401 UIA challenge");
  } catch (error) {
    if (error.httpStatus !== 401 || !error.data?.session) throw error;
    // The challenge must offer a flow made of the dummy stage alone (open registration).
    const flows = error.data.flows ?? [];
    if (!flows.some((flow) => flow.stages?.length === 1 && flow.stages[0] === "m.login.dummy")) {
      throw new Error(`no m.login.dummy flow in ${JSON.stringify(error.data)}`);
    }
    session = error.data.session;
  }
  const response = await client.registerRequest({
    username, password, initial_device_display_name: `${username} (matrix-js-sdk e2e)`,
    auth: { type: "m.login.dummy", session },
  });
  return {
    userId: response.user_id, accessToken: response.access_token, deviceId: response.device_id,
  };
}

/** A MatrixClient for `credentials` that has reached the PREPARED sync state. */
export async function startSyncedClient(baseUrl, credentials, initialSyncLimit = 20) {
  const client = sdk.createClient({
    baseUrl, userId: credentials.userId, accessToken: credentials.accessToken,
    deviceId: credentials.deviceId,
  });
  const prepared = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(
      `${credentials.userId}: no PREPARED sync state within ${kEventTimeoutMs} ms`)),
      kEventTimeoutMs);
    const onSync = (state, _previous, data) => {
      if (state === sdk.SyncState.Prepared) {
        clearTimeout(timer);
        client.off(sdk.ClientEvent.Sync, onSync);
        resolve();
      } else if (state === sdk.SyncState.Error) {
        clearTimeout(timer);
        client.off(sdk.ClientEvent.Sync, onSync);
        reject(new Error(`${credentials.userId}: sync ERROR: ${describeError(data?.error)}`));
      }
    };
    client.on(sdk.ClientEvent.Sync, onSync);
  });
  await client.startClient({ initialSyncLimit });
  try {
    await prepared;
  } catch (error) {
    client.stopClient();
    throw error;
  }
  return client;
}

/** A MatrixError with the request it answered: method-less URL, HTTP status, errcode, body. */
export function describeError(error) {
  if (!error) return "unknown error";
  const parts = [String(error.message ?? error)];
  if (error.url) parts.push(`url=${error.url}`);
  if (error.httpStatus) parts.push(`status=${error.httpStatus}`);
  if (error.data) parts.push(`body=${JSON.stringify(error.data)}`);
  return parts.join(" ");
}

/**
 * Resolves with the arguments of the first `eventName` emission from `emitter` for which
 * `predicate(...args)` is true; rejects after `timeoutMs` with `what` in the message.
 * Start waiting BEFORE doing what triggers the emission.
 */
export function waitFor(emitter, eventName, predicate, what, timeoutMs = kEventTimeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(eventName, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    function listener(...args) {
      let matched;
      try {
        matched = predicate(...args);
      } catch (error) {
        clearTimeout(timer);
        emitter.off(eventName, listener);
        reject(error);
        return;
      }
      if (!matched) return;
      clearTimeout(timer);
      emitter.off(eventName, listener);
      resolve(args);
    }
    emitter.on(eventName, listener);
  });
}

/** Collects live m.room.message timeline events arriving at `client` for `roomId`, in order. */
export function collectMessages(client, roomId) {
  const received = [];
  const listener = (event, room, toStartOfTimeline, _removed, data) => {
    if (toStartOfTimeline || !data?.liveEvent) return;
    if (room?.roomId !== roomId || event.getType() !== "m.room.message") return;
    received.push(event);
  };
  client.on(sdk.RoomEvent.Timeline, listener);
  return { received, stop: () => client.off(sdk.RoomEvent.Timeline, listener) };
}

// matrix-js-sdk can re-arm timers after stopClient() (a /capabilities poll still in flight sets
// its retry or 6-hour refresh timer when it settles), which keeps Node's event loop alive for
// ever after the tests. So every test body and hook goes through guarded(), which counts
// failures, and the last `after` hook calls exitSoon() to end the process with the right status.
let failures = 0;

export function guarded(fn) {
  return async (...args) => {
    try {
      return await fn(...args);
    } catch (error) {
      ++failures;
      throw error;
    }
  };
}

/** Exits in `graceMs` (reporters flush first) unless the event loop drains on its own. */
export function exitSoon(graceMs = 2_000) {
  setTimeout(() => process.exit(failures > 0 ? 1 : (process.exitCode ?? 0)), graceMs).unref();
}

export { sdk };
