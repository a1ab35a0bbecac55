// createRoom (spec client-server API "Creation"): the events of a new room in Synapse's order —
// create, the creator's join, power levels, canonical alias, the preset's join rules, history
// visibility and guest access, initial_state, name, topic — then the invites.
#include <boost/json/serialize.hpp>

#include "base/matrix_error.hpp"
#include "services/common/server_of.hpp"
#include "services/rooms/room_service.hpp"

namespace myelin::services {

namespace bj = boost::json;

namespace {

bj::object default_power_levels(const CreateRoomRequest& request, const RoomVersion& version,
                                const std::string& preset) {
  bj::object users;
  if (!version.privileged_creators) users[request.creator] = 100;
  if (preset == "trusted_private_chat") {
    for (const std::string& invitee : request.invite) users[invitee] = 100;
  }
  bj::object events{{"m.room.name", 50},
                    {"m.room.power_levels", 100},
                    {"m.room.history_visibility", 100},
                    {"m.room.canonical_alias", 50},
                    {"m.room.avatar", 50},
                    {"m.room.tombstone", 100},
                    {"m.room.server_acl", 100},
                    {"m.room.encryption", 100}};
  return bj::object{{"users", std::move(users)},
                    {"users_default", 0},
                    {"events", std::move(events)},
                    {"events_default", 0},
                    {"state_default", 50},
                    {"ban", 50},
                    {"kick", 50},
                    {"redact", 50},
                    {"invite", preset == "public_chat" ? 0 : 50},
                    {"notifications", bj::object{{"room", 50}}}};
}

EventDraft state_draft(const std::string& sender, std::string type, bj::object content,
                       std::string state_key = "") {
  EventDraft draft;
  draft.sender = sender;
  draft.type = std::move(type);
  draft.state_key = std::move(state_key);
  draft.content = std::move(content);
  return draft;
}

bool initial_state_has(const CreateRoomRequest& request, std::string_view type) {
  for (const EventDraft& draft : request.initial_state) {
    if (draft.type == type && draft.state_key == "") return true;
  }
  return false;
}

}  // namespace

asio::awaitable<std::string> RoomService::create_room(CreateRoomRequest request) {
  const RoomVersion* version =
      find_room_version(request.room_version.value_or(std::string(default_room_version().id)));
  if (!version) {
    throw MatrixError(ErrCode::kUnsupportedRoomVersion,
                      "Unsupported room version " + request.room_version.value_or(""));
  }
  const std::string preset =
      request.preset.value_or(request.visibility == "public" ? "public_chat" : "private_chat");
  if (preset != "public_chat" && preset != "private_chat" && preset != "trusted_private_chat") {
    throw MatrixError(ErrCode::kInvalidParam, "Unknown preset " + preset);
  }
  std::optional<std::string> alias;
  storage::Store& store = ctx_.store;
  if (request.room_alias_name) {
    alias = "#" + *request.room_alias_name + ":" + ctx_.server_name();
    std::string wanted = *alias;
    auto exists = [&store, wanted] { return store.rooms.alias(wanted).has_value(); };
    const bool taken = co_await ctx_.db(std::move(exists));
    if (taken) {
      throw MatrixError(ErrCode::kRoomInUse, "Room alias already taken");
    }
  }

  // The create event.
  bj::object create_content = request.creation_content;
  if (!version->implicit_room_creator) create_content["creator"] = request.creator;
  create_content["room_version"] = std::string(version->id);
  auto initial = std::make_shared<RoomState>();
  initial->version = version;
  if (!version->room_id_is_create_event_hash) initial->room_id = new_room_id();
  EventDraft create = state_draft(request.creator, "m.room.create", std::move(create_content));
  SendOptions no_transaction;
  SendResult created = co_await send_locked(initial, std::move(create), no_transaction);
  const std::string room_id =
      version->room_id_is_create_event_hash ? "!" + created.event_id.substr(1) : initial->room_id;

  {
    async::KeyedMutex::Guard guard = co_await locks_.lock(room_id);
    std::string creator = request.creator;
    auto load_profile = [&store, creator] { return store.accounts.profile(creator); };
    storage::Profile profile = co_await ctx_.db(std::move(load_profile));
    bj::object join{{"membership", "join"}};
    if (profile.displayname) join["displayname"] = *profile.displayname;
    if (profile.avatar_url) join["avatar_url"] = *profile.avatar_url;

    std::vector<EventDraft> drafts;
    drafts.push_back(state_draft(request.creator, "m.room.member", std::move(join), creator));
    bj::object power_levels = default_power_levels(request, *version, preset);
    if (request.power_level_content_override) {
      for (const auto& [key, value] : *request.power_level_content_override) {
        power_levels[key] = value;
      }
    }
    drafts.push_back(state_draft(creator, "m.room.power_levels", std::move(power_levels)));
    if (alias) {
      drafts.push_back(
          state_draft(creator, "m.room.canonical_alias", bj::object{{"alias", *alias}}));
    }
    if (!initial_state_has(request, "m.room.join_rules")) {
      drafts.push_back(
          state_draft(creator, "m.room.join_rules",
                      bj::object{{"join_rule", preset == "public_chat" ? "public" : "invite"}}));
    }
    if (!initial_state_has(request, "m.room.history_visibility")) {
      drafts.push_back(state_draft(creator, "m.room.history_visibility",
                                   bj::object{{"history_visibility", "shared"}}));
    }
    if (preset != "public_chat" && !initial_state_has(request, "m.room.guest_access")) {
      drafts.push_back(
          state_draft(creator, "m.room.guest_access", bj::object{{"guest_access", "can_join"}}));
    }
    for (EventDraft& draft : request.initial_state) {
      draft.sender = creator;
      drafts.push_back(std::move(draft));
    }
    if (request.name) {
      drafts.push_back(state_draft(creator, "m.room.name", bj::object{{"name", *request.name}}));
    }
    if (request.topic) {
      drafts.push_back(state_draft(creator, "m.room.topic", bj::object{{"topic", *request.topic}}));
    }
    for (EventDraft& draft : drafts) {
      RoomStatePtr current = co_await require_room(room_id);
      co_await send_locked(std::move(current), std::move(draft), no_transaction);
    }

    const bool is_public = request.visibility == "public";
    auto finish = [&store, room_id, alias, creator, is_public] {
      if (alias) store.rooms.create_alias({*alias, room_id, creator});
      if (is_public) store.rooms.set_public(room_id, true);
    };
    co_await ctx_.db(std::move(finish));
  }

  for (const std::string& invitee : request.invite) {
    // Other servers' users are invited through federation's invite handshake, which is above
    // RoomService: the caller does that once the room exists (they still count for the
    // power levels above).
    if (server_of(invitee) != ctx_.server_name()) continue;
    std::optional<std::string> no_reason;
    co_await invite(room_id, request.creator, invitee, no_reason, request.is_direct);
  }
  co_return room_id;
}

}  // namespace myelin::services
