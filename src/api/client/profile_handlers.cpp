// Profiles: display names and avatars (spec client-server API "Profiles"). A change is also sent
// as a fresh m.room.member join event into every room the user is in, as Synapse does, so that
// the other members see it (spec "Events on Change of Profile Information").
#include "api/client/account_restrictions.hpp"
#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// Synapse's limits (MAX_DISPLAYNAME_LEN, MAX_AVATAR_URL_LEN); the spec caps the whole profile
// at 64 KiB, which these keep far below.
constexpr std::size_t kMaxDisplaynameBytes = 256;
constexpr std::size_t kMaxAvatarUrlBytes = 1000;

enum class Field { kDisplayname, kAvatarUrl };

const char* field_name(Field field) {
  return field == Field::kDisplayname ? "displayname" : "avatar_url";
}

// The profile of a local user; 404 M_NOT_FOUND for an unknown user or one of another server
// (asking other servers for profiles needs federation, a later issue).
boost::asio::awaitable<storage::Profile> load_profile(Services& services, std::string user_id) {
  if (!services.accounts.is_local(user_id)) {
    throw MatrixError(ErrCode::kNotFound, "Profile was not found");
  }
  storage::Store& store = services.ctx.store;
  auto load = [&store, user_id]() -> std::optional<storage::Profile> {
    if (!store.accounts.user_exists(user_id)) return std::nullopt;
    return store.accounts.profile(user_id);
  };
  std::optional<storage::Profile> profile = co_await services.ctx.db(std::move(load));
  if (!profile) throw MatrixError(ErrCode::kNotFound, "Profile was not found");
  co_return *profile;
}

// The field's new value from the body: a string, or null / "" to clear it.
std::optional<std::string> new_value(const bj::object& body, Field field) {
  const char* key = field_name(field);
  const bj::value* value = body.if_contains(key);
  if (!value) throw MatrixError(ErrCode::kMissingParam, std::string("Missing '") + key + "'");
  if (value->is_null()) return std::nullopt;
  if (!value->is_string()) {
    throw MatrixError(ErrCode::kBadJson, std::string("'") + key + "' must be a string");
  }
  std::string text(value->as_string());
  const std::size_t limit =
      field == Field::kDisplayname ? kMaxDisplaynameBytes : kMaxAvatarUrlBytes;
  if (text.size() > limit) {
    throw MatrixError(ErrCode::kInvalidParam, std::string("'") + key + "' is too long (max " +
                                                  std::to_string(limit) + " bytes)");
  }
  if (text.empty()) return std::nullopt;  // Synapse stores "" as no value
  return text;
}

// Re-sends the user's join event in every room they are joined to with the new profile. A room
// that refuses it (the auth rules) keeps the old one; the profile change itself stands.
boost::asio::awaitable<void> propagate(Services& services, std::string user_id,
                                       storage::Profile profile) {
  storage::Store& store = services.ctx.store;
  auto load = [&store, user_id] { return store.events.memberships_of_user(user_id); };
  std::vector<storage::MembershipRecord> memberships = co_await services.ctx.db(std::move(load));
  for (const storage::MembershipRecord& membership : memberships) {
    if (membership.membership != "join") continue;
    services::RoomStatePtr room = co_await services.rooms.room(membership.room_id);
    if (!room) continue;
    const events::Pdu* member = room->find("m.room.member", user_id);
    if (!member || member->membership() != "join") continue;
    bj::object content = member->content();
    content.erase("reason");  // the reason was the earlier join's, not this change's
    content.erase("displayname");
    content.erase("avatar_url");
    if (profile.displayname) content["displayname"] = *profile.displayname;
    if (profile.avatar_url) content["avatar_url"] = *profile.avatar_url;
    if (content == member->content()) continue;
    services::EventDraft draft;
    draft.sender = user_id;
    draft.type = "m.room.member";
    draft.state_key = user_id;
    draft.content = std::move(content);
    services::SendOptions options;
    try {
      co_await services.rooms.send_event(membership.room_id, std::move(draft), std::move(options));
    } catch (const MatrixError&) {
      // E.g. the room's power levels no longer let the user send member events.
    }
  }
}

Reply put_field(RequestContext& ctx, Field field) {
  Services& services = *ctx.services;
  const std::string user_id = user_id_param(ctx.request);
  if (user_id != ctx.principal.user_id) {
    throw MatrixError(ErrCode::kForbidden,
                      std::string("Cannot set another user's ") + field_name(field));
  }
  const bj::object body = body_object(ctx.request);
  std::optional<std::string> value = new_value(body, field);
  co_await refuse_if_suspended(ctx, "Changing profile data");
  storage::Store& store = services.ctx.store;
  auto save = [&store, user_id, value, field] {
    if (field == Field::kDisplayname) {
      store.accounts.set_displayname(user_id, value);
    } else {
      store.accounts.set_avatar_url(user_id, value);
    }
    return store.accounts.profile(user_id);
  };
  storage::Profile profile = co_await services.ctx.db(std::move(save));
  co_await propagate(services, user_id, std::move(profile));
  co_return ok();
}

}  // namespace

// GET /_matrix/client/v3/profile/{userId} — displayname and avatar_url (unset ones omitted);
// 404 M_NOT_FOUND for an unknown user.
Reply get_profile(RequestContext& ctx) {
  std::string user_id = user_id_param(ctx.request);
  storage::Profile profile = co_await load_profile(*ctx.services, std::move(user_id));
  bj::object json;
  if (profile.displayname) json["displayname"] = *profile.displayname;
  if (profile.avatar_url) json["avatar_url"] = *profile.avatar_url;
  co_return ok(std::move(json));
}

// GET /_matrix/client/v3/profile/{userId}/displayname — {displayname} or {} when unset.
Reply get_displayname(RequestContext& ctx) {
  std::string user_id = user_id_param(ctx.request);
  storage::Profile profile = co_await load_profile(*ctx.services, std::move(user_id));
  bj::object json;
  if (profile.displayname) json["displayname"] = *profile.displayname;
  co_return ok(std::move(json));
}

// PUT /_matrix/client/v3/profile/{userId}/displayname — own display name only (403
// otherwise); null or "" clears it. Propagated to the user's rooms.
Reply put_displayname(RequestContext& ctx) { return put_field(ctx, Field::kDisplayname); }

// GET /_matrix/client/v3/profile/{userId}/avatar_url — {avatar_url} or {} when unset.
Reply get_avatar_url(RequestContext& ctx) {
  std::string user_id = user_id_param(ctx.request);
  storage::Profile profile = co_await load_profile(*ctx.services, std::move(user_id));
  bj::object json;
  if (profile.avatar_url) json["avatar_url"] = *profile.avatar_url;
  co_return ok(std::move(json));
}

// PUT /_matrix/client/v3/profile/{userId}/avatar_url — own avatar only (403 otherwise); null
// or "" clears it. Propagated to the user's rooms.
Reply put_avatar_url(RequestContext& ctx) { return put_field(ctx, Field::kAvatarUrl); }

}  // namespace myelin::api
