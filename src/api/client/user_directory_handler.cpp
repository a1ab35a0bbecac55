// The user directory (spec client-server API "User directory"). As Synapse with its default
// `user_directory.search_all_users: false`: the searcher finds the users who share a room with
// them and the users of public rooms (join rule public, or history world_readable).
#include <algorithm>
#include <map>
#include <set>

#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// 10: the spec's default; 50: Synapse's ceiling on one search.
constexpr std::int64_t kDefaultLimit = 10;
constexpr std::int64_t kMaxLimit = 50;

std::optional<std::string> state_content_string(const services::RoomState& room,
                                                std::string_view type, std::string_view key) {
  const events::Pdu* event = room.find(type, "");
  if (!event) return std::nullopt;
  const bj::value* value = event->content().if_contains(key);
  if (!value || !value->is_string()) return std::nullopt;
  return std::string(value->as_string());
}

bool room_is_public(const services::RoomState& room) {
  return state_content_string(room, "m.room.join_rules", "join_rule") == "public" ||
         state_content_string(room, "m.room.history_visibility", "history_visibility") ==
             "world_readable";
}

}  // namespace

// POST /_matrix/client/v3/user_directory/search — users matching search_term by user ID or
// display name (case-insensitive) whom the requester may see; `limited` when more matched.
Reply post_user_directory_search(RequestContext& ctx) {
  Services& services = *ctx.services;
  const bj::object body = body_object(ctx.request);
  const std::string term = required_string(body, "search_term");
  const std::int64_t requested = optional_int(body, "limit").value_or(kDefaultLimit);
  if (requested < 0) throw MatrixError(ErrCode::kInvalidParam, "'limit' must not be negative");
  const auto limit = static_cast<std::size_t>(std::min(requested, kMaxLimit));

  storage::Store& store = services.ctx.store;
  const std::string searcher = ctx.principal.user_id;
  auto load = [&store, searcher, term] {
    std::set<std::string> shared;
    for (const storage::MembershipRecord& membership : store.events.memberships_of_user(searcher)) {
      if (membership.membership == "join") shared.insert(membership.room_id);
    }
    return std::pair{std::move(shared), store.accounts.directory_candidates(term)};
  };
  auto loaded = co_await services.ctx.db(std::move(load));
  const std::set<std::string>& searcher_rooms = loaded.first;
  const std::vector<storage::AccountStore::DirectoryCandidate>& candidates = loaded.second;

  std::map<std::string, bool> public_rooms;  // room ID → public, asked once per search
  bj::array results;
  bool limited = false;
  for (const storage::AccountStore::DirectoryCandidate& candidate : candidates) {
    bool visible = false;
    for (const std::string& room_id : candidate.joined_rooms) {
      if (searcher_rooms.count(room_id) != 0) {
        visible = true;
        break;
      }
      auto known = public_rooms.find(room_id);
      if (known == public_rooms.end()) {
        services::RoomStatePtr room = co_await services.rooms.room(room_id);
        known = public_rooms.emplace(room_id, room && room_is_public(*room)).first;
      }
      if (known->second) {
        visible = true;
        break;
      }
    }
    if (!visible) continue;
    if (results.size() == limit) {
      limited = true;
      break;
    }
    bj::object entry{{"user_id", candidate.user_id}};
    entry["display_name"] =
        candidate.profile.displayname ? bj::value(*candidate.profile.displayname) : bj::value();
    entry["avatar_url"] =
        candidate.profile.avatar_url ? bj::value(*candidate.profile.avatar_url) : bj::value();
    results.push_back(std::move(entry));
  }
  co_return ok({{"results", std::move(results)}, {"limited", limited}});
}

}  // namespace myelin::api
