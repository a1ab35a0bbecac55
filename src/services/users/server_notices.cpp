#include "services/users/server_notices.hpp"

#include <boost/json/serialize.hpp>

#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "protocol/ids/user_id.hpp"
#include "protocol/json/parse.hpp"

namespace myelin::services {

namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

// Synapse's power level for users in a notices room: below events_default, so only the notices
// user speaks there.
constexpr std::int64_t kNoticeRoomUsersDefault = -10;

}  // namespace

std::string ServerNotices::system_user_id() const {
  return "@" + ctx_.config.server_notices.system_mxid_localpart + ":" + ctx_.server_name();
}

asio::awaitable<std::string> ServerNotices::send(ServerNotice notice,
                                                 std::optional<std::string> transaction_key) {
  if (!enabled()) {
    throw MatrixError::unknown_bad_request("Server notices are not enabled on this server");
  }
  auto user = ids::UserId::parse(notice.user_id, ids::UserIdGrammar::kHistorical);
  if (!user || user->server_name().to_string() != ctx_.server_name()) {
    throw MatrixError::unknown_bad_request("Server notices can only be sent to local users");
  }
  if (notice.user_id == system_user_id()) {
    throw MatrixError::unknown_bad_request("Server notices cannot be sent to the notices user");
  }
  storage::Store& store = ctx_.store;
  auto lookup = [&store, user_id = notice.user_id] { return store.accounts.user(user_id); };
  std::optional<storage::UserRecord> record = co_await ctx_.db(std::move(lookup));
  if (!record) throw MatrixError(ErrCode::kNotFound, "User not found");

  // Held to the end, so a repeated transaction waits for the first and answers its event ID.
  std::optional<async::KeyedMutex::Guard> transaction_guard;
  if (transaction_key) {
    std::string key = *transaction_key;
    async::KeyedMutex::Guard guard = co_await transaction_locks_.lock(std::move(key));
    transaction_guard.emplace(std::move(guard));
    std::lock_guard lock(mutex_);
    if (auto it = sent_.find(*transaction_key); it != sent_.end()) co_return it->second;
  }
  std::string room_id = co_await notice_room_for(notice.user_id);
  EventDraft draft{.sender = system_user_id(),
                   .type = notice.type,
                   .state_key = notice.state_key,
                   .content = std::move(notice.content),
                   .redacts = std::nullopt};
  SendOptions options;
  SendResult sent = co_await rooms_.send_event(room_id, std::move(draft), std::move(options));
  log::info("server_notices", "sent {} to {} in {}", sent.event_id, notice.user_id, room_id);
  if (transaction_key) {
    std::lock_guard lock(mutex_);
    sent_[*transaction_key] = sent.event_id;
  }
  co_return sent.event_id;
}

asio::awaitable<std::string> ServerNotices::notice_room_for(std::string user_id) {
  std::string key = user_id;
  async::KeyedMutex::Guard guard = co_await user_locks_.lock(std::move(key));
  co_await ensure_system_user();
  std::optional<std::string> existing = co_await find_notice_room(user_id);
  if (existing) co_return *existing;
  std::string created = co_await create_notice_room(user_id);
  co_return created;
}

asio::awaitable<void> ServerNotices::ensure_system_user() {
  const config::ServerNoticesConfig& config = ctx_.config.server_notices;
  storage::Store& store = ctx_.store;
  const std::string user_id = system_user_id();
  auto exists = [&store, user_id] { return store.accounts.user_exists(user_id); };
  const bool found = co_await ctx_.db(std::move(exists));
  if (!found) {
    NewAccount account;
    account.localpart = config.system_mxid_localpart;
    account.inhibit_login = true;  // nobody logs in as the notices user
    if (!config.system_mxid_display_name.empty()) {
      account.displayname = config.system_mxid_display_name;
    }
    co_await accounts_.register_account(std::move(account));
    log::info("server_notices", "created the notices user {}", user_id);
  }
  // The profile follows the configuration, also when it changed since the user was made.
  std::optional<std::string> name;
  if (!config.system_mxid_display_name.empty()) name = config.system_mxid_display_name;
  std::optional<std::string> avatar;
  if (!config.system_mxid_avatar_url.empty()) avatar = config.system_mxid_avatar_url;
  auto update_profile = [&store, user_id, name, avatar] {
    storage::Profile profile = store.accounts.profile(user_id);
    if (name && profile.displayname != name) store.accounts.set_displayname(user_id, name);
    if (avatar && profile.avatar_url != avatar) store.accounts.set_avatar_url(user_id, avatar);
  };
  co_await ctx_.db(std::move(update_profile));
}

asio::awaitable<std::optional<std::string>> ServerNotices::find_notice_room(std::string user_id) {
  storage::Store& store = ctx_.store;
  // A room the notices user is in and the user is invited to or joined: found again after a
  // restart, as the rooms themselves say so. One the user left is not reused.
  auto find = [&store, system = system_user_id(), user_id]() -> std::optional<std::string> {
    for (const storage::MembershipRecord& own : store.events.memberships_of_user(system)) {
      if (own.membership != "join") continue;
      std::optional<storage::MembershipRecord> theirs =
          store.events.membership(own.room_id, user_id);
      if (theirs && (theirs->membership == "invite" || theirs->membership == "join")) {
        return own.room_id;
      }
    }
    return std::nullopt;
  };
  std::optional<std::string> found = co_await ctx_.db(std::move(find));
  co_return found;
}

asio::awaitable<std::string> ServerNotices::create_notice_room(std::string user_id) {
  const config::ServerNoticesConfig& config = ctx_.config.server_notices;
  CreateRoomRequest request;
  request.creator = system_user_id();
  request.preset = "private_chat";
  request.name = config.room_name;
  if (!config.room_topic.empty()) request.topic = config.room_topic;
  request.power_level_content_override = bj::object{{"users_default", kNoticeRoomUsersDefault}};
  if (!config.room_avatar_url.empty()) {
    request.initial_state.push_back(EventDraft{.sender = {},
                                               .type = "m.room.avatar",
                                               .state_key = std::string(),
                                               .content = {{"url", config.room_avatar_url}},
                                               .redacts = std::nullopt});
  }
  std::string room_id = co_await rooms_.create_room(std::move(request));
  // Tagged before the invite, so the client knows what the room is when the invite arrives.
  co_await tag_room(user_id, room_id);
  std::string sender = system_user_id();
  std::optional<std::string> no_reason;
  co_await rooms_.invite(room_id, sender, user_id, no_reason, false);
  if (config.auto_join) co_await rooms_.join(room_id, user_id, no_reason);
  log::info("server_notices", "created notices room {} for {}", room_id, user_id);
  co_return room_id;
}

asio::awaitable<void> ServerNotices::tag_room(std::string user_id, std::string room_id) {
  storage::Store& store = ctx_.store;
  auto tag = [&store, user_id, room_id] {
    bj::object content;
    if (auto stored = store.user_data.account_data(user_id, room_id, "m.tag")) {
      if (auto parsed = json::parse_object(*stored)) content = std::move(*parsed);
    }
    bj::value& tags = content["tags"];
    if (!tags.is_object()) tags = bj::object();
    tags.as_object()[kRoomTag] = bj::object();
    store.user_data.put_account_data(user_id, room_id, "m.tag", bj::serialize(content));
  };
  co_await ctx_.db(std::move(tag));
  ctx_.notifier.notify(user_id);
}

}  // namespace myelin::services
