// matrix-js-sdk (from npm, unmodified) against the real `myelin serve`: two users register with
// the m.login.dummy UIA flow, sync to PREPARED, share a room and converse in real time; history
// is paginated over more than one /messages page; typing, read receipts, redactions and display
// names reach the other user's client.
//
// Usage: node conversation_test.js /path/to/myelin   (CTest passes the binary; see
// tests/CMakeLists.txt). Every test makes its own room so one failure does not hide the rest.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import {
  Homeserver, collectMessages, exitSoon, guarded, kEventTimeoutMs, register, sdk,
  startSyncedClient, waitFor,
} from "./harness.js";

const {
  ClientEvent, Direction, EventType, RoomEvent, RoomMemberEvent, RoomStateEvent, Preset,
} = sdk;

let server;
let alice;
let bob;
const clients = [];

before(guarded(async () => {
  server = new Homeserver();
  await server.start();
  const aliceCredentials = await register(server.baseUrl, "alice");
  const bobCredentials = await register(server.baseUrl, "bob");
  assert.equal(aliceCredentials.userId, "@alice:localhost");
  assert.equal(bobCredentials.userId, "@bob:localhost");
  assert.ok(aliceCredentials.accessToken && aliceCredentials.deviceId);
  alice = await startSyncedClient(server.baseUrl, aliceCredentials);
  clients.push(alice);
  bob = await startSyncedClient(server.baseUrl, bobCredentials);
  clients.push(bob);
}));

after(guarded(async () => {
  for (const client of clients) client.stopClient();
  try {
    await server?.stop();
  } finally {
    server?.cleanup();
    exitSoon();
  }
}));

/** The room as `client` sees it once its sync delivered it. */
async function roomOf(client, roomId, what) {
  const existing = client.getRoom(roomId);
  if (existing) return existing;
  const [room] = await waitFor(client, ClientEvent.Room, (r) => r.roomId === roomId,
                               `${what}: ${client.getUserId()} to see ${roomId}`);
  return room;
}

/** Waits until `client` sees `userId` with `membership` in `roomId`. */
function membershipSeen(client, roomId, userId, membership) {
  const room = client.getRoom(roomId);
  if (room?.getMember(userId)?.membership === membership) return Promise.resolve();
  return waitFor(client, RoomMemberEvent.Membership,
                 (_event, member) => member.roomId === roomId && member.userId === userId &&
                                     member.membership === membership,
                 `${client.getUserId()} to see ${userId} ${membership} ${roomId}`);
}

/**
 * Alice creates a named private room, invites bob and bob joins through his client.
 * `checkInvite(room)` inspects bob's view of the room while he is only invited.
 */
async function sharedRoom(name, checkInvite = () => {}) {
  const { room_id: roomId } = await alice.createRoom({
    name, preset: Preset.PrivateChat, visibility: "private",
  });
  assert.match(roomId, /^!.+:localhost$/);
  const bobInvited = waitFor(bob, RoomEvent.MyMembership,
                             (room, membership) => room.roomId === roomId &&
                                                   membership === "invite",
                             `bob's invite to ${roomId}`);
  await alice.invite(roomId, bob.getUserId());
  const [invitedRoom] = await bobInvited;
  checkInvite(invitedRoom);
  const aliceSeesJoin = membershipSeen(alice, roomId, bob.getUserId(), "join");
  await bob.joinRoom(roomId);
  await aliceSeesJoin;
  await membershipSeen(bob, roomId, bob.getUserId(), "join");
  return roomId;
}

describe("matrix-js-sdk against myelin", () => {
  test("both clients reached PREPARED and know who they are", guarded(() => {
    // PREPARED is followed by SYNCING once the next (long-poll) /sync returns.
    for (const client of [alice, bob]) {
      assert.ok([sdk.SyncState.Prepared, sdk.SyncState.Syncing].includes(client.getSyncState()),
                `${client.getUserId()} sync state ${client.getSyncState()}`);
    }
    assert.ok(alice.isInitialSyncComplete());
    assert.ok(bob.isInitialSyncComplete());
    assert.equal(alice.getUserId(), "@alice:localhost");
    assert.equal(bob.getUserId(), "@bob:localhost");
  }));

  test("room name and members as the SDK sees them after invite and join", guarded(async () => {
    const roomId = await sharedRoom("Tea room", (invited) => {
      // Bob sees the invite through the sync's invite_state (stripped state): the inviter's
      // m.room.member for him, the m.room.create event (required since spec v1.16) and the
      // name (one of the events stripped state "should contain").
      assert.equal(invited.getMyMembership(), "invite");
      const invite = invited.currentState.getStateEvents(EventType.RoomMember, "@bob:localhost");
      assert.equal(invite?.getSender(), "@alice:localhost");
      assert.equal(invite?.getContent().membership, "invite");
      assert.ok(invited.currentState.getStateEvents(EventType.RoomCreate, ""),
                "m.room.create in invite_state");
      assert.equal(invited.name, "Tea room", "room name from invite_state");
    });
    for (const client of [alice, bob]) {
      const room = await roomOf(client, roomId, "names");
      assert.equal(room.name, "Tea room", `${client.getUserId()} room.name`);
      assert.equal(room.getMyMembership(), "join");
      const joined = room.getJoinedMembers().map((m) => m.userId).sort();
      assert.deepEqual(joined, ["@alice:localhost", "@bob:localhost"],
                       `${client.getUserId()} joined members`);
      assert.equal(room.getJoinedMemberCount(), 2);
      // The creator holds PL 100 from the private_chat preset; bob the default 0.
      assert.equal(room.getMember("@alice:localhost").powerLevel, 100);
      assert.equal(room.getMember("@bob:localhost").powerLevel, 0);
    }
    assert.ok(alice.getRooms().some((r) => r.roomId === roomId));
    const { joined_rooms: joinedRooms } = await bob.getJoinedRooms();
    assert.ok(joinedRooms.includes(roomId), `bob's /joined_rooms: ${joinedRooms}`);
  }));

  test("they converse: each message reaches the other client live, in order", guarded(async () => {
    const roomId = await sharedRoom("Conversation");
    // Ping-pong: every message must arrive at the other side before the answer is sent. The
    // SDK long-polls /sync with timeout=30000, so arriving within kEventTimeoutMs (10 s) means
    // the send woke the other user's pending /sync.
    for (let turn = 0; turn < 6; ++turn) {
      const [sender, receiver] = turn % 2 === 0 ? [alice, bob] : [bob, alice];
      const body = `turn ${turn} from ${sender.getUserId()}`;
      const arrived = waitFor(
        receiver, RoomEvent.Timeline,
        (event, room, toStart, _removed, data) =>
          room?.roomId === roomId && !toStart && data?.liveEvent &&
          event.getType() === "m.room.message" && event.getContent().body === body,
        `${receiver.getUserId()} to receive "${body}"`);
      const { event_id: eventId } = await sender.sendTextMessage(roomId, body);
      const [event] = await arrived;
      assert.equal(event.getId(), eventId);
      assert.equal(event.getSender(), sender.getUserId());
      assert.equal(event.getContent().msgtype, "m.text");
      assert.equal(event.getRoomId(), roomId);
      assert.ok(event.getTs() > 0);
    }

    // A burst: ten messages sent back to back arrive at bob in the order they were sent.
    const live = collectMessages(bob, roomId);
    const sent = [];
    for (let i = 0; i < 10; ++i) {
      const { event_id: eventId } = await alice.sendTextMessage(roomId, `burst ${i}`);
      sent.push(eventId);
    }
    const deadline = Date.now() + kEventTimeoutMs;
    while (live.received.length < sent.length && Date.now() < deadline) {
      await waitFor(bob, RoomEvent.Timeline, () => true, "more burst messages",
                    deadline - Date.now()).catch(() => {});
    }
    live.stop();
    assert.deepEqual(live.received.map((e) => e.getId()), sent);
    assert.deepEqual(live.received.map((e) => e.getContent().body),
                     sent.map((_, i) => `burst ${i}`));
    assert.ok(live.received.every((e) => e.getSender() === "@alice:localhost"));

    // Both live timelines end with the same events in the same order.
    const tail = (client) => client.getRoom(roomId).getLiveTimeline().getEvents()
      .filter((e) => e.getType() === "m.room.message").map((e) => e.getContent().body);
    assert.deepEqual(tail(bob).slice(-16), tail(alice).slice(-16));
    assert.equal(tail(bob).length, 16);
  }));

  test("pagination over 150 messages: scrollback and /messages both ways", guarded(async () => {
    const roomId = await sharedRoom("History");
    const kCount = 150;
    const bodies = [];
    for (let i = 0; i < kCount; ++i) bodies.push(`history ${String(i).padStart(3, "0")}`);
    for (const body of bodies) await alice.sendTextMessage(roomId, body);

    // A fresh client for bob whose initial sync sees only the last few events (a limited
    // timeline with prev_batch); scrollback must page back to the room's creation.
    const fresh = await startSyncedClient(server.baseUrl, {
      userId: bob.getUserId(), accessToken: bob.getAccessToken(), deviceId: bob.getDeviceId(),
    }, 10);
    clients.push(fresh);
    try {
      const room = await roomOf(fresh, roomId, "pagination");
      const messagesIn = () => room.getLiveTimeline().getEvents()
        .filter((e) => e.getType() === "m.room.message").map((e) => e.getContent().body);
      const initial = messagesIn();
      assert.ok(initial.length <= 10, `initialSyncLimit 10 gave ${initial.length} messages`);
      assert.deepEqual(initial, bodies.slice(kCount - initial.length));
      assert.ok(room.oldState.paginationToken, "limited initial sync has a prev_batch token");

      let pages = 0;
      while (room.oldState.paginationToken !== null) {
        assert.ok(++pages <= 20, "scrollback did not reach the start within 20 pages");
        await fresh.scrollback(room, 40);
      }
      assert.deepEqual(messagesIn(), bodies);
      const first = room.getLiveTimeline().getEvents()[0];
      assert.equal(first.getType(), EventType.RoomCreate, "scrollback ends at m.room.create");
      assert.ok(pages >= 4, `150 messages in pages of 40 took only ${pages} pages`);
    } finally {
      fresh.stopClient();
    }

    // /messages forwards from the start of the room (no `from`), pages of at most 100.
    const forward = [];
    let from = null;
    for (let pages = 0; ; ++pages) {
      assert.ok(pages <= 10, "forward pagination did not end within 10 pages");
      const res = await bob.createMessagesRequest(roomId, from, 100, Direction.Forward);
      assert.ok(res.chunk.length <= 100, `page of ${res.chunk.length} > limit 100`);
      forward.push(...res.chunk);
      if (res.chunk.length === 0 || !res.end) break;
      from = res.end;
    }
    assert.equal(forward[0].type, EventType.RoomCreate);
    assert.deepEqual(forward.filter((e) => e.type === "m.room.message").map((e) => e.content.body),
                     bodies);
    // Timestamps never go backwards in the forward direction.
    for (let i = 1; i < forward.length; ++i) {
      assert.ok(forward[i].origin_server_ts >= forward[i - 1].origin_server_ts);
    }

    // Backwards from the end (no `from`): newest first, the mirror image.
    const backward = [];
    from = null;
    for (let pages = 0; ; ++pages) {
      assert.ok(pages <= 10, "backward pagination did not end within 10 pages");
      const res = await bob.createMessagesRequest(roomId, from, 100, Direction.Backward);
      assert.ok(res.chunk.length <= 100);
      backward.push(...res.chunk);
      if (res.chunk.length === 0 || !res.end) break;
      from = res.end;
    }
    assert.deepEqual(backward.map((e) => e.event_id), forward.map((e) => e.event_id).reverse());
  }));

  test("typing notifications reach the other client, on and off", guarded(async () => {
    const roomId = await sharedRoom("Typing");
    const typingOn = waitFor(bob, RoomMemberEvent.Typing,
                             (_event, member) => member.roomId === roomId &&
                                                 member.userId === "@alice:localhost" &&
                                                 member.typing === true,
                             "bob to see alice typing");
    await alice.sendTyping(roomId, true, 20_000);
    await typingOn;
    assert.ok(bob.getRoom(roomId).currentState.getMember("@alice:localhost").typing);

    const typingOff = waitFor(bob, RoomMemberEvent.Typing,
                              (_event, member) => member.roomId === roomId &&
                                                  member.userId === "@alice:localhost" &&
                                                  member.typing === false,
                              "bob to see alice stop typing");
    await alice.sendTyping(roomId, false);
    await typingOff;
  }));

  test("a read receipt reaches the other client", guarded(async () => {
    const roomId = await sharedRoom("Receipts");
    const arrived = waitFor(bob, RoomEvent.Timeline,
                            (event, room) => room?.roomId === roomId &&
                                             event.getContent().body === "read me",
                            "bob to receive 'read me'");
    const { event_id: eventId } = await alice.sendTextMessage(roomId, "read me");
    const [event] = await arrived;

    const receiptSeen = waitFor(alice, RoomEvent.Receipt,
                                (receiptEvent, room) => room.roomId === roomId &&
                                  receiptEvent.getContent()[eventId]?.["m.read"]?.[
                                    "@bob:localhost"] !== undefined,
                                "alice to see bob's m.read receipt");
    await bob.sendReadReceipt(event);
    const [receiptEvent] = await receiptSeen;
    const receipt = receiptEvent.getContent()[eventId]["m.read"]["@bob:localhost"];
    assert.equal(typeof receipt.ts, "number");
    const room = alice.getRoom(roomId);
    assert.equal(room.getEventReadUpTo("@bob:localhost"), eventId);
    assert.ok(room.getUsersReadUpTo(room.findEventById(eventId)).includes("@bob:localhost"));
  }));

  test("a redaction reaches the other client and strips the event", guarded(async () => {
    const roomId = await sharedRoom("Redaction");
    const arrived = waitFor(bob, RoomEvent.Timeline,
                            (event, room) => room?.roomId === roomId &&
                                             event.getContent().body === "regrettable",
                            "bob to receive 'regrettable'");
    const { event_id: eventId } = await alice.sendTextMessage(roomId, "regrettable");
    await arrived;

    const redactionSeen = waitFor(bob, RoomEvent.Redaction,
                                  (redaction, room) => room.roomId === roomId &&
                                                       redaction.getAssociatedId() === eventId,
                                  "bob to see the redaction");
    const { event_id: redactionId } = await alice.redactEvent(roomId, eventId, undefined,
                                                              { reason: "typo" });
    const [redaction] = await redactionSeen;
    assert.equal(redaction.getId(), redactionId);
    assert.equal(redaction.getSender(), "@alice:localhost");
    assert.equal(redaction.getContent().reason, "typo");
    const redacted = bob.getRoom(roomId).findEventById(eventId);
    assert.ok(redacted.isRedacted(), "bob's copy is redacted");
    assert.deepEqual(redacted.getContent(), {});

    // The server's own copy is redacted too: /event returns the pruned event with
    // unsigned.redacted_because.
    const fetched = await bob.fetchRoomEvent(roomId, eventId);
    assert.deepEqual(fetched.content, {});
    assert.equal(fetched.unsigned?.redacted_because?.event_id, redactionId);
  }));

  test("state changes, power levels and aliases through the SDK", guarded(async () => {
    const roomId = await sharedRoom("Council");
    const bobRoom = bob.getRoom(roomId);

    // A topic set by alice arrives as state at bob.
    const topicSeen = waitFor(bob, RoomStateEvent.Events,
                              (event) => event.getRoomId() === roomId &&
                                         event.getType() === EventType.RoomTopic,
                              "bob to see the topic");
    await alice.setRoomTopic(roomId, "Agenda: everything");
    await topicSeen;
    assert.equal(bobRoom.currentState.getStateEvents(EventType.RoomTopic, "").getContent().topic,
                 "Agenda: everything");

    // Bob (power level 0) may not rename the room: private_chat's state_default is 50.
    await assert.rejects(bob.setRoomName(roomId, "Bob's room"),
                         (error) => error.httpStatus === 403 && error.errcode === "M_FORBIDDEN");
    assert.equal(bobRoom.name, "Council");

    // Alice raises him to 50; his client sees its new level, and now the rename succeeds.
    const promoted = waitFor(bob, RoomMemberEvent.PowerLevel,
                             (_event, member) => member.roomId === roomId &&
                                                 member.userId === "@bob:localhost" &&
                                                 member.powerLevel === 50,
                             "bob to see his power level 50");
    await alice.setPowerLevel(roomId, "@bob:localhost", 50);
    await promoted;
    const renamed = [alice, bob].map((client) => waitFor(
      client, RoomEvent.Name, (room) => room.roomId === roomId && room.name === "Bob's room",
      `${client.getUserId()} to see the room renamed by bob`));
    const { event_id: nameId } = await bob.setRoomName(roomId, "Bob's room");
    await Promise.all(renamed);
    const nameEvent = alice.getRoom(roomId).currentState.getStateEvents(EventType.RoomName, "");
    assert.equal(nameEvent.getId(), nameId);
    assert.equal(nameEvent.getSender(), "@bob:localhost");
    // Still not enough to change power levels (private_chat requires 100 for those).
    await assert.rejects(bob.setPowerLevel(roomId, "@bob:localhost", 100),
                         (error) => error.httpStatus === 403 && error.errcode === "M_FORBIDDEN");

    // An alias resolves to the room, and a public room joins by alias.
    await alice.createAlias("#council:localhost", roomId);
    const resolved = await bob.getRoomIdForAlias("#council:localhost");
    assert.equal(resolved.room_id, roomId);
    assert.ok(resolved.servers.includes("localhost"), `servers ${resolved.servers}`);
    await assert.rejects(bob.getRoomIdForAlias("#nowhere:localhost"),
                         (error) => error.httpStatus === 404 && error.errcode === "M_NOT_FOUND");

    const { room_id: publicId } = await alice.createRoom({
      name: "Town square", preset: Preset.PublicChat, room_alias_name: "square",
    });
    const joined = await bob.joinRoom("#square:localhost");
    assert.equal(joined.roomId, publicId);
    await membershipSeen(alice, publicId, "@bob:localhost", "join");
  }));

  test("lazy-loading members: summary counts, then the full list from /members", guarded(
    async () => {
      const roomId = await sharedRoom("Crowd");
      const carolCredentials = await register(server.baseUrl, "carol");
      const carol = await startSyncedClient(server.baseUrl, carolCredentials);
      clients.push(carol);
      const carolInvited = waitFor(carol, RoomEvent.MyMembership,
                                   (room, membership) => room.roomId === roomId &&
                                                         membership === "invite",
                                   "carol's invite");
      await alice.invite(roomId, "@carol:localhost");
      await carolInvited;
      await carol.joinRoom(roomId);
      carol.stopClient();
      await membershipSeen(alice, roomId, "@carol:localhost", "join");
      // Recent history holds only alice's messages, so a lazy sync need not carry the
      // members bob and carol.
      for (let i = 0; i < 8; ++i) await alice.sendTextMessage(roomId, `lazy ${i}`);

      const lazy = sdk.createClient({
        baseUrl: server.baseUrl, userId: bob.getUserId(), accessToken: bob.getAccessToken(),
        deviceId: bob.getDeviceId(),
      });
      clients.push(lazy);
      const prepared = waitFor(lazy, ClientEvent.Sync,
                               (state) => state === sdk.SyncState.Prepared,
                               "the lazy-loading client to reach PREPARED");
      await lazy.startClient({ initialSyncLimit: 5, lazyLoadMembers: true });
      await prepared;
      const room = lazy.getRoom(roomId);
      assert.ok(room, "the lazy-loading client sees the room");
      // The sync's room summary carries the counts (m.joined_member_count is required when it
      // changed since the last sync, so always on an initial sync).
      assert.equal(room.currentState.summaryJoinedMemberCount, 3, "m.joined_member_count");
      assert.equal(room.getJoinedMemberCount(), 3);
      // The timeline's sender is among the members the lazy sync must include.
      assert.equal(room.getMember("@alice:localhost")?.membership, "join");
      await room.loadMembersIfNeeded();
      assert.ok(room.membersLoaded());
      assert.deepEqual(room.getJoinedMembers().map((m) => m.userId).sort(),
                       ["@alice:localhost", "@bob:localhost", "@carol:localhost"]);
      assert.equal(room.name, "Crowd");
      lazy.stopClient();
    }));

  test("setDisplayName shows in the other user's view of the member event", guarded(async () => {
    const roomId = await sharedRoom("Names");
    const renamed = waitFor(alice, RoomMemberEvent.Name,
                            (_event, member) => member.roomId === roomId &&
                                                member.userId === "@bob:localhost" &&
                                                member.name === "Bobby Tables",
                            "alice to see bob's new display name");
    await bob.setDisplayName("Bobby Tables");
    await renamed;
    const member = alice.getRoom(roomId).getMember("@bob:localhost");
    assert.equal(member.name, "Bobby Tables");
    assert.equal(member.membership, "join");
    const memberEvent = member.events.member;
    assert.equal(memberEvent.getType(), EventType.RoomMember);
    assert.equal(memberEvent.getStateKey(), "@bob:localhost");
    assert.equal(memberEvent.getSender(), "@bob:localhost");
    assert.equal(memberEvent.getContent().displayname, "Bobby Tables");
    assert.equal(memberEvent.getContent().membership, "join");
    const profile = await alice.getProfileInfo("@bob:localhost");
    assert.equal(profile.displayname, "Bobby Tables");
  }));
});
