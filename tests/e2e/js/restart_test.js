// matrix-js-sdk across a restart of the real `myelin serve`: a password login (m.login.password
// with a user identifier), a conversation, SIGTERM (exit 0), a new start over the same data dir
// (port 0 gives a new port), and the same access tokens sync to PREPARED with everything kept.
//
// Usage: node restart_test.js /path/to/myelin
import assert from "node:assert/strict";
import { after, test } from "node:test";

import {
  Homeserver, exitSoon, guarded, register, sdk, startSyncedClient, waitFor,
} from "./harness.js";

const { RoomEvent, Preset } = sdk;
const kPassword = "swordfish and chips";

let server;
const clients = [];

after(guarded(async () => {
  for (const client of clients) client.stopClient();
  try {
    await server?.stop();
  } finally {
    server?.cleanup();
    exitSoon();
  }
}));

test("password login, then a restart loses nothing", guarded(async () => {
  server = new Homeserver();
  await server.start();
  await register(server.baseUrl, "carol", kPassword);
  await register(server.baseUrl, "dave", kPassword);

  // Login as the SDK does it: m.login.password with an m.id.user identifier.
  const anonymous = sdk.createClient({ baseUrl: server.baseUrl });
  const flows = await anonymous.loginFlows();
  assert.ok(flows.flows.some((flow) => flow.type === "m.login.password"),
            `login flows ${JSON.stringify(flows)}`);
  const carolLogin = await anonymous.loginRequest({
    type: "m.login.password", identifier: { type: "m.id.user", user: "carol" },
    password: kPassword,
  });
  assert.equal(carolLogin.user_id, "@carol:localhost");
  assert.ok(carolLogin.access_token && carolLogin.device_id);
  await assert.rejects(
    anonymous.loginRequest({
      type: "m.login.password", identifier: { type: "m.id.user", user: "carol" },
      password: "wrong",
    }),
    (error) => error.httpStatus === 403 && error.errcode === "M_FORBIDDEN");
  const daveLogin = await anonymous.loginRequest({
    type: "m.login.password", identifier: { type: "m.id.user", user: "@dave:localhost" },
    password: kPassword,
  });
  const carolCredentials = {
    userId: carolLogin.user_id, accessToken: carolLogin.access_token,
    deviceId: carolLogin.device_id,
  };
  const daveCredentials = {
    userId: daveLogin.user_id, accessToken: daveLogin.access_token, deviceId: daveLogin.device_id,
  };

  let carol = await startSyncedClient(server.baseUrl, carolCredentials);
  clients.push(carol);
  let dave = await startSyncedClient(server.baseUrl, daveCredentials);
  clients.push(dave);
  const whoami = await carol.whoami();
  assert.equal(whoami.user_id, "@carol:localhost");
  assert.equal(whoami.device_id, carolLogin.device_id);

  // Dave's sync may deliver the invite before carol's createRoom answers, so wait from before.
  const daveInvited = waitFor(dave, RoomEvent.MyMembership,
                              (room, membership) => membership === "invite", "dave's invite");
  const { room_id: roomId } = await carol.createRoom({
    name: "Before the restart", preset: Preset.TrustedPrivateChat, invite: ["@dave:localhost"],
  });
  const [invitedRoom] = await daveInvited;
  assert.equal(invitedRoom.roomId, roomId);
  await dave.joinRoom(roomId);
  const sent = [];
  for (let i = 0; i < 5; ++i) {
    const arrived = waitFor(dave, RoomEvent.Timeline,
                            (event, room) => room?.roomId === roomId &&
                                             event.getContent().body === `kept ${i}`,
                            `dave to receive 'kept ${i}'`);
    sent.push((await carol.sendTextMessage(roomId, `kept ${i}`)).event_id);
    await arrived;
  }

  carol.stopClient();
  dave.stopClient();
  await server.stop();
  await server.start();

  // Same tokens, new port: both users are still logged in and see the room and its history.
  carol = await startSyncedClient(server.baseUrl, carolCredentials);
  clients.push(carol);
  dave = await startSyncedClient(server.baseUrl, daveCredentials);
  clients.push(dave);
  for (const client of [carol, dave]) {
    const room = client.getRoom(roomId);
    assert.ok(room, `${client.getUserId()} sees the room after the restart`);
    assert.equal(room.name, "Before the restart");
    assert.equal(room.getMyMembership(), "join");
    assert.deepEqual(room.getJoinedMembers().map((m) => m.userId).sort(),
                     ["@carol:localhost", "@dave:localhost"]);
    const messages = room.getLiveTimeline().getEvents()
      .filter((e) => e.getType() === "m.room.message");
    assert.deepEqual(messages.map((e) => e.getId()), sent);
  }

  // And the conversation goes on.
  const arrived = waitFor(carol, RoomEvent.Timeline,
                          (event, room) => room?.roomId === roomId &&
                                           event.getContent().body === "after",
                          "carol to receive 'after'");
  const { event_id: afterId } = await dave.sendTextMessage(roomId, "after");
  const [event] = await arrived;
  assert.equal(event.getId(), afterId);
  assert.equal(event.getSender(), "@dave:localhost");
  assert.ok(!sent.includes(afterId));

  // The password still works after the restart.
  const relogin = await sdk.createClient({ baseUrl: server.baseUrl }).loginRequest({
    type: "m.login.password", identifier: { type: "m.id.user", user: "dave" },
    password: kPassword,
  });
  assert.equal(relogin.user_id, "@dave:localhost");
  assert.notEqual(relogin.device_id, daveLogin.device_id);
}));
