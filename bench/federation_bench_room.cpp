#include "bench/federation_bench_room.hpp"

#include <map>
#include <memory>
#include <stdexcept>
#include <vector>

#include "services/rooms/event_builder.hpp"
#include "storage/store/event_records.hpp"

namespace myelin::bench {

namespace bj = boost::json;
using services::EventDraft;
using services::RoomState;
using services::RoomStatePtr;

namespace {

constexpr std::size_t kEventsPerTransaction = 2000;

void persist_all(storage::Store& store, std::vector<std::shared_ptr<storage::NewEvent>>& pending) {
  std::vector<const storage::NewEvent*> batch;
  for (const auto& event : pending) batch.push_back(event.get());
  for (const auto& outcome : store.events.persist_batch(batch)) {
    if (outcome.error) std::rethrow_exception(outcome.error);
  }
  pending.clear();
}

// The slots every added event takes its auth events from (a join: create, power levels, join
// rules; the creator's state: create, power levels, the creator's membership). Building on
// these alone keeps each event O(1) where the whole state would be copied.
RoomState auth_view(const RoomState& room, const std::string& creator) {
  RoomState view;
  view.room_id = room.room_id;
  view.version = room.version;
  auto slots = std::make_shared<services::StateMap>();
  for (const auth::StateKey& slot :
       {auth::StateKey{"m.room.create", ""}, auth::StateKey{"m.room.power_levels", ""},
        auth::StateKey{"m.room.join_rules", ""}, auth::StateKey{"m.room.member", creator}}) {
    auto it = room.state->find(slot);
    if (it == room.state->end()) throw std::runtime_error("new room without " + slot.first);
    slots->emplace(slot, it->second);
  }
  view.set_state(std::move(slots));
  view.extremities = room.extremities;
  return view;
}

}  // namespace

BenchRoom build_bench_room(FederationTestServer& server, boost::asio::io_context& io, int members,
                           int state_events, int snapshot_every) {
  const auto start = std::chrono::steady_clock::now();
  BenchRoom out;
  out.creator = server.register_user("creator");
  services::CreateRoomRequest request;
  request.creator = out.creator;
  request.room_version = "10";
  request.preset = "public_chat";
  out.room_id = run_on(io, server.rooms().create_room(std::move(request)));
  RoomStatePtr created = run_on(io, server.rooms().room(out.room_id));

  RoomState tip = auth_view(*created, out.creator);
  std::map<auth::StateKey, std::string> state_ids;
  for (const auto& [slot, event] : *created->state) state_ids.emplace(slot, event->event_id());
  const int joins = std::max(0, members - 1);
  const int others = std::max(0, state_events - static_cast<int>(state_ids.size()) - joins);
  const int total = joins + others;

  storage::Store& store = server.store();
  std::int64_t group_id = store.events.max_state_group();
  std::int64_t prev_group = created->state_group;
  int chain_length = created->chain_length;
  std::vector<std::shared_ptr<storage::NewEvent>> pending;
  for (int i = 0; i < total; ++i) {
    EventDraft draft;
    if (i < joins) {
      draft.sender = "@member" + std::to_string(i) + ":" + server.name();
      draft.type = "m.room.member";
      draft.state_key = draft.sender;
      draft.content =
          bj::object{{"membership", "join"}, {"displayname", "Member " + std::to_string(i)}};
    } else {
      draft.sender = out.creator;
      draft.type = "org.myelin.bench.state";
      draft.state_key = "key" + std::to_string(i - joins);
      draft.content = bj::object{{"n", i - joins}, {"note", "a state event of the bench room"}};
    }
    auto built = services::build_event(tip, draft, server.name(), server.ctx().signing_key,
                                       server.ctx().now_ms());
    if (!built) throw std::runtime_error("build_event: " + built.error());
    const events::Pdu& pdu = built->pdu;
    if (auto allowed = services::authorize_event(tip, pdu); !allowed) {
      throw std::runtime_error("bench event refused: " + allowed.error());
    }
    const auth::StateKey slot{pdu.type(), *pdu.state_key()};
    state_ids[slot] = pdu.event_id();

    auto write = std::make_shared<storage::NewEvent>();
    storage::EventRecord& record = write->event;
    record.event_id = pdu.event_id();
    record.room_id = out.room_id;
    record.type = pdu.type();
    record.state_key = pdu.state_key();
    record.sender = pdu.sender();
    record.depth = pdu.depth();
    record.origin_server_ts = pdu.origin_server_ts();
    record.pdu_json = std::move(built->canonical_json);
    storage::NewStateGroup group;
    group.id = ++group_id;
    if (i + 1 == total || (i + 1) % snapshot_every == 0) {
      for (const auto& [key, event_id] : state_ids) group.entries.emplace(key, event_id);
    } else {
      group.prev_group = prev_group;
      group.chain_length = chain_length + 1;
      group.entries.emplace(slot, pdu.event_id());
    }
    prev_group = group.id;
    chain_length = group.chain_length;
    record.state_group = group.id;
    write->state_group = std::move(group);
    if (pdu.type() == "m.room.member") write->membership = "join";
    for (const RoomState::Extremity& e : tip.extremities)
      write->prev_extremities.push_back(e.event_id);
    tip.extremities = {{pdu.event_id(), "", pdu.depth()}};
    pending.push_back(std::move(write));
    if (pending.size() == kEventsPerTransaction) persist_all(store, pending);
  }
  persist_all(store, pending);

  server.restart_services();
  // One event through RoomService, as a server that has been running a while would have had:
  // right after a restart the chain of state deltas is unknown, and the first state event
  // writes a full snapshot of the room's state, which a join measured here should not pay.
  EventDraft topic{out.creator, "m.room.topic", "", bj::object{{"topic", "A large room"}},
                   std::nullopt};
  run_on(io, server.rooms().send_event(out.room_id, std::move(topic), {}));
  RoomStatePtr room = run_on(io, server.rooms().room(out.room_id));
  if (!room || room->state->size() < state_ids.size()) {
    throw std::runtime_error("the bench room did not read back whole");
  }
  out.members = static_cast<int>(room->joined_users().size());
  out.state_events = static_cast<int>(room->state->size());
  out.build_seconds = seconds_since(start);
  return out;
}

}  // namespace myelin::bench
