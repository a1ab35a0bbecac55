#include "services/rooms/room_service.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "base/base64.hpp"
#include "base/matrix_error.hpp"
#include "protocol/auth/power_levels.hpp"
#include "protocol/events/event_id.hpp"
#include "protocol/events/redaction.hpp"
#include "protocol/json/canonical.hpp"
#include "services/common/client_event.hpp"
#include "services/common/random_token.hpp"

namespace myelin::services {

namespace bj = boost::json;

namespace {

bool is_local(const std::string& user_id, const std::string& server_name) {
  const std::size_t colon = user_id.find(':');
  return colon != std::string::npos &&
         user_id.compare(colon + 1, std::string::npos, server_name) == 0;
}

// What an invitee is shown of the room before joining (spec "Stripped state").
std::string invite_stripped_state(const RoomState& room) {
  bj::array stripped;
  for (const char* type : {"m.room.create", "m.room.join_rules", "m.room.name", "m.room.avatar",
                           "m.room.canonical_alias", "m.room.encryption", "m.room.topic"}) {
    if (const events::Pdu* event = room.find(type, "")) {
      stripped.push_back(stripped_state_event(event->json()));
    }
  }
  return bj::serialize(stripped);
}

}  // namespace

RoomService::RoomService(ServiceContext& ctx)
    : ctx_(ctx), persister_(ctx), last_state_group_(ctx.store.events.max_state_group()) {}

asio::awaitable<RoomStatePtr> RoomService::room(std::string room_id) {
  if (RoomStatePtr cached = cache_.find(room_id)) co_return cached;
  storage::Store& store = ctx_.store;
  std::string server = ctx_.server_name();
  auto load = [&store, room_id, server] { return RoomCache::load(store, room_id, server); };
  RoomStatePtr loaded = co_await ctx_.db(std::move(load));
  if (!loaded) co_return nullptr;
  // Another coroutine may have loaded (or advanced) it meanwhile; theirs is as new or newer.
  if (RoomStatePtr cached = cache_.find(room_id)) co_return cached;
  cache_.put(loaded);
  co_return loaded;
}

asio::awaitable<RoomStatePtr> RoomService::require_room(std::string room_id) {
  RoomStatePtr found = co_await room(room_id);
  if (!found) throw MatrixError(ErrCode::kNotFound, "Unknown room " + room_id);
  co_return found;
}

asio::awaitable<SendResult> RoomService::send_event(std::string room_id, EventDraft draft,
                                                    SendOptions options) {
  async::KeyedMutex::Guard guard = co_await locks_.lock(room_id);
  RoomStatePtr current = co_await require_room(room_id);
  co_return co_await send_locked(std::move(current), std::move(draft), std::move(options));
}

asio::awaitable<SendResult> RoomService::send_locked(RoomStatePtr room, EventDraft draft,
                                                     SendOptions options) {
  const std::int64_t now = ctx_.now_ms();
  auto built = build_event(*room, draft, ctx_.server_name(), ctx_.signing_key, now);
  if (!built) {
    const bool too_large = built.error().find("65,536") != std::string::npos;
    throw MatrixError(too_large ? ErrCode::kTooLarge : ErrCode::kBadJson, built.error());
  }
  const events::Pdu& pdu = built->pdu;
  if (auto allowed = authorize_event(*room, pdu); !allowed) {
    throw MatrixError(ErrCode::kForbidden, allowed.error());
  }

  auto next = std::make_shared<RoomState>(*room);
  if (next->room_id.empty()) {
    // v12: the create event names the room.
    next->room_id = events::compute_room_id_from_create(pdu.json(), *room->version);
  }
  auto persisted = std::make_shared<storage::NewEvent>();
  storage::EventRecord& record = persisted->event;
  record.event_id = pdu.event_id();
  record.room_id = next->room_id;
  record.type = pdu.type();
  record.state_key = pdu.state_key();
  record.sender = pdu.sender();
  record.depth = pdu.depth();
  record.origin_server_ts = pdu.origin_server_ts();
  record.pdu_json = std::move(built->canonical_json);
  record.device_id = options.device_id;
  record.txn_id = options.device_id ? options.txn_id : std::nullopt;
  // A redaction is accepted into the room by the auth rules, but applied only when its sender
  // may redact others' events or sent the original (spec rooms/v3+ "Redactions").
  bool may_redact_any = false;
  if (draft.redacts) {
    auto levels = auth::PowerLevels(*room->version, room->find("m.room.create", ""),
                                    room->find("m.room.power_levels", ""));
    may_redact_any = levels.user_level(pdu.sender()) >= levels.redact_level();
  }
  if (auto* url = pdu.content().if_contains("url")) persisted->contains_url = url->is_string();

  auto shared_pdu = std::make_shared<const events::Pdu>(pdu);
  if (pdu.is_state()) {
    const auth::StateKey key{pdu.type(), *pdu.state_key()};
    if (const events::Pdu* replaced = room->find(key.first, key.second)) {
      bj::object unsigned_data;
      unsigned_data["replaces_state"] = replaced->event_id();
      unsigned_data["prev_content"] = replaced->content();
      unsigned_data["prev_sender"] = replaced->sender();
      record.unsigned_json = bj::serialize(unsigned_data);
    }
    auto state = std::make_shared<StateMap>(*room->state);
    (*state)[key] = shared_pdu;
    next->set_state(state);

    storage::NewStateGroup group;
    group.id = ++last_state_group_;
    if (room->state_group != 0 && room->chain_length < kMaxStateChain) {
      group.prev_group = room->state_group;
      group.chain_length = room->chain_length + 1;
      group.entries.emplace(key, pdu.event_id());
    } else {
      for (const auto& [slot, event] : *state) group.entries.emplace(slot, event->event_id());
    }
    next->state_group = group.id;
    next->chain_length = group.chain_length;
    persisted->state_group = std::move(group);
    if (pdu.type() == "m.room.member") {
      persisted->membership = std::string(pdu.membership());
      next->index_members(ctx_.server_name());
      if (pdu.membership() == "invite") {
        persisted->invite_stripped_state_json = invite_stripped_state(*next);
      }
    }
  } else if (room->state_group == 0 && !room->state->empty()) {
    // No group holds the room's state (a remote event merged a fork by state resolution): this
    // event's group is a full snapshot of it.
    storage::NewStateGroup group;
    group.id = ++last_state_group_;
    for (const auto& [slot, event] : *room->state) group.entries.emplace(slot, event->event_id());
    next->state_group = group.id;
    next->chain_length = 0;
    persisted->state_group = std::move(group);
  }
  record.state_group = next->state_group;
  for (const RoomState::Extremity& e : room->extremities) {
    persisted->prev_extremities.push_back(e.event_id);
  }
  std::string reference_hash;
  next->extremities = {{pdu.event_id(), std::move(reference_hash), pdu.depth()}};
  if (room->version->event_format == EventFormat::kV1) {
    next->extremities[0].reference_hash =
        base64::encode(events::compute_reference_hash(pdu.json(), *room->version));
  }

  storage::Store& store = ctx_.store;
  const bool is_create = pdu.type() == "m.room.create";
  std::string creator = pdu.sender();
  std::string version_id(room->version->id);
  PushActionsFn push = pdu.is_state() ? PushActionsFn() : push_actions_;
  if (push && next->joined_local_users.size() <= kPushInlineMembers) {
    // Members' rules are nearly always in memory: evaluated here, a message needs no trip to a
    // database thread before it is queued, which it makes while holding the room's lock.
    if (auto actions = push(*next, pdu, false)) {
      persisted->push_actions = std::move(*actions);
      push = nullptr;
    }
  }
  RoomStatePtr after = next;
  std::optional<std::string> redacts = draft.redacts;
  auto prepare = [&store, is_create, creator, version_id, now, push, after, shared_pdu, redacts,
                  may_redact_any](storage::NewEvent& event) {
    if (push) event.push_actions = *push(*after, *shared_pdu, true);  // may read users' rules
    if (redacts) {
      auto original = store.events.event(*redacts);
      if (original && original->room_id == event.event.room_id &&
          (may_redact_any || original->sender == event.event.sender)) {
        event.redacts = redacts;
      }
    }
    if (is_create) {
      store.rooms.create_room({event.event.room_id, version_id, creator, false, now});
    }
  };
  EventPersister::Job job{nullptr, persisted};
  if (push || redacts || is_create) job.prepare = std::move(prepare);
  storage::EventStore::PersistOutcome outcome = co_await persister_.persist(std::move(job));
  if (outcome.existing_event_id) co_return SendResult{*outcome.existing_event_id, 0};
  if (persisted->redacts) apply_redaction_to_state(*next, *persisted->redacts);
  cache_.put(next);

  std::vector<std::string> wake = next->joined_local_users;
  if (pdu.type() == "m.room.member" && is_local(*pdu.state_key(), ctx_.server_name())) {
    wake.push_back(*pdu.state_key());
  }
  ctx_.notifier.notify(wake);
  if (on_local_event_) co_await on_local_event_(*next, pdu);
  co_return SendResult{pdu.event_id(), outcome.position};
}

void RoomService::apply_redaction_to_state(RoomState& room, const std::string& redacted_id) {
  for (const auto& [key, event] : *room.state) {
    if (event->event_id() != redacted_id) continue;
    // Current state holds the event as the auth rules must now see it: redacted.
    auto state = std::make_shared<StateMap>(*room.state);
    (*state)[key] = std::make_shared<const events::Pdu>(events::Pdu::from_trusted(
        events::redact(event->json(), *room.version), *room.version, redacted_id));
    room.set_state(std::move(state));
    return;
  }
}

std::string RoomService::new_room_id() const {
  return "!" + random_token(18) + ":" + ctx_.server_name();
}

}  // namespace myelin::services
