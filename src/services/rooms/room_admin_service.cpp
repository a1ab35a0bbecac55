// The Synapse Admin API's room reads, make_room_admin, admin joins and event reports
// (deletion and purges: room_deletion.cpp, history_purge.cpp).
#include "services/rooms/room_admin_service.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "services/rooms/visibility.hpp"

namespace myelin::services {

namespace bj = boost::json;

RoomAdminService::RoomAdminService(ServiceContext& ctx, RoomService& rooms)
    : ctx_(ctx), rooms_(rooms) {
  const std::int64_t failed = ctx_.store.room_admin.fail_unfinished_tasks(
      "The server stopped before the task finished", ctx_.now_ms());
  if (failed > 0) log::warn("room_admin", "{} unfinished room task(s) marked failed", failed);
}

bool RoomAdminService::is_local(const std::string& user_id) const {
  const std::size_t colon = user_id.find(':');
  return colon != std::string::npos &&
         user_id.compare(colon + 1, std::string::npos, ctx_.server_name()) == 0;
}

asio::awaitable<std::optional<RoomSummary>> RoomAdminService::summary(std::string room_id) {
  storage::Store& store = ctx_.store;
  auto load = [&store, room_id] { return store.rooms.room(room_id); };
  std::optional<storage::RoomRecord> record = co_await ctx_.db(std::move(load));
  if (!record) co_return std::nullopt;
  RoomStatePtr room = co_await rooms_.room(room_id);
  if (!room) co_return std::nullopt;
  co_return summarize(*room, *record);
}

asio::awaitable<RoomListPage> RoomAdminService::list_rooms(RoomListQuery query) {
  storage::Store& store = ctx_.store;
  auto load = [&store] { return store.rooms.all_rooms(); };
  std::vector<storage::RoomRecord> records = co_await ctx_.db(std::move(load));
  // Every room's summary from its current state (rooms are cached once used); a server with
  // very many rooms would want these columns kept in a table, as Synapse's room_stats.
  std::vector<RoomSummary> summaries;
  summaries.reserve(records.size());
  for (const storage::RoomRecord& record : records) {
    RoomStatePtr room = co_await rooms_.room(record.room_id);
    if (room) summaries.push_back(summarize(*room, record));
  }
  std::vector<RoomSummary> selected = select_rooms(std::move(summaries), query);
  RoomListPage page;
  page.total = static_cast<std::int64_t>(selected.size());
  const auto begin = static_cast<std::size_t>(std::min(query.from, page.total));
  const auto end = static_cast<std::size_t>(std::min(query.from + query.limit, page.total));
  page.rooms.assign(std::make_move_iterator(selected.begin() + begin),
                    std::make_move_iterator(selected.begin() + end));
  co_return page;
}

asio::awaitable<void> RoomAdminService::make_room_admin(std::string room_id, std::string user_id) {
  RoomStatePtr room = co_await rooms_.room(room_id);
  if (!room || !room->find("m.room.create", "")) {
    throw MatrixError::unknown_bad_request("Server not in room");
  }
  const events::Pdu* create = room->find("m.room.create", "");
  const events::Pdu* power_levels = room->find("m.room.power_levels", "");
  std::string admin_user;
  bj::object content;
  if (power_levels) {
    content = power_levels->content();
    // Candidates from least to most powerful; the most powerful joined one acts.
    std::vector<std::pair<double, std::string>> candidates;
    if (const bj::value* users = content.if_contains("users"); users && users->is_object()) {
      for (const auto& [id, level] : users->as_object()) {
        if (!is_local(std::string(id)) || !level.is_number()) continue;
        candidates.emplace_back(level.to_number<double>(), std::string(id));
      }
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    if (room->version->privileged_creators) {
      // v12: the creators outrank everyone and are not in the users map.
      std::vector<std::string> creators;
      if (const bj::value* more = create->content().if_contains("additional_creators");
          more && more->is_array()) {
        for (const bj::value& id : more->as_array()) {
          if (id.is_string()) creators.emplace_back(id.as_string());
        }
      }
      creators.push_back(create->sender());
      for (const std::string& creator : creators) {
        if (is_local(creator)) candidates.emplace_back(0, creator);
      }
    }
    for (auto it = candidates.rbegin(); it != candidates.rend(); ++it) {
      if (room->membership_of(it->second) == "join") {
        admin_user = it->second;
        break;
      }
    }
    if (admin_user.empty()) throw MatrixError::unknown_bad_request("No local admin user in room");
  } else {
    admin_user = create->sender();
    if (!is_local(admin_user))
      throw MatrixError::unknown_bad_request("No local admin user in room");
  }

  bj::object users;
  if (const bj::value* existing = content.if_contains("users"); existing && existing->is_object()) {
    users = existing->as_object();
  }
  bj::value level = 100;
  if (const bj::value* admin_level = users.if_contains(admin_user)) level = *admin_level;
  users[user_id] = level;
  content["users"] = std::move(users);

  EventDraft draft;
  draft.sender = admin_user;
  draft.type = "m.room.power_levels";
  draft.state_key = "";
  draft.content = std::move(content);
  SendOptions no_transaction;
  bool refused = false;
  try {
    co_await rooms_.send_event(room_id, std::move(draft), std::move(no_transaction));
  } catch (const MatrixError& error) {
    if (error.code() != ErrCode::kForbidden) throw;
    refused = true;
  }
  if (refused) {
    throw MatrixError::unknown_bad_request(
        "No local admin user in room with power to update power levels.");
  }

  const std::string membership = room->membership_of(user_id);
  if (membership == "join" || membership == "invite") co_return;
  if (const events::Pdu* rules = room->find("m.room.join_rules", "")) {
    const bj::value* rule = rules->content().if_contains("join_rule");
    if (rule && *rule == "public") co_return;
  }
  std::optional<std::string> no_reason;
  co_await rooms_.invite(room_id, admin_user, user_id, std::move(no_reason), false);
}

asio::awaitable<void> RoomAdminService::join_user(std::string room_id, std::string user_id,
                                                  std::string admin) {
  RoomStatePtr room = co_await rooms_.require_room(room_id);
  bool is_public = false;
  if (const events::Pdu* rules = room->find("m.room.join_rules", "")) {
    const bj::value* rule = rules->content().if_contains("join_rule");
    is_public = rule && *rule == "public";
  }
  const std::string membership = room->membership_of(user_id);
  if (!is_public && membership != "join" && membership != "invite") {
    // The admin invites, so they must be in the room with the power to invite (as Synapse).
    std::optional<std::string> no_reason;
    co_await rooms_.invite(room_id, admin, user_id, std::move(no_reason), false);
  }
  std::optional<std::string> no_reason;
  co_await rooms_.join(room_id, user_id, std::move(no_reason));
}

asio::awaitable<std::int64_t> RoomAdminService::report_event(std::string room_id,
                                                             std::string event_id,
                                                             std::string reporter,
                                                             std::optional<std::string> reason,
                                                             std::optional<std::int64_t> score) {
  RoomStatePtr room = co_await rooms_.room(room_id);
  std::string membership = room ? room->membership_of(reporter) : "";
  storage::Store& store = ctx_.store;
  const std::int64_t now = ctx_.now_ms();
  auto file = [&store, room_id, event_id, reporter, membership, reason, score,
               now]() -> std::int64_t {
    auto record = store.events.event(event_id);
    if (!record || record->room_id != room_id) return 0;
    if (visible_events(store, reporter, membership, {*record}).empty()) return 0;
    storage::EventReport report;
    report.received_ts = now;
    report.room_id = room_id;
    report.event_id = event_id;
    report.user_id = reporter;
    report.reason = reason;
    report.score = score;
    report.event_sender = record->sender;
    return store.room_admin.add_event_report(report);
  };
  std::int64_t id = 0;
  if (room) id = co_await ctx_.db(std::move(file));
  // The same answer whether the event is unknown or hidden (spec: no leak of its existence).
  if (id == 0) {
    throw MatrixError(ErrCode::kNotFound,
                      "Unable to report event: it does not exist or you aren't able to see it.");
  }
  log::info("room_admin", "{} reported {} in {}", reporter, event_id, room_id);
  co_return id;
}

std::string RoomAdminService::shutdown_json(const ShutdownResult& result) {
  auto list = [](const std::vector<std::string>& items) {
    bj::array array;
    for (const std::string& item : items) array.emplace_back(item);
    return array;
  };
  bj::object object{{"kicked_users", list(result.kicked_users)},
                    {"failed_to_kick_users", list(result.failed_to_kick_users)},
                    {"local_aliases", list(result.local_aliases)},
                    {"new_room_id", nullptr}};
  if (result.new_room_id) object["new_room_id"] = *result.new_room_id;
  return bj::serialize(object);
}

asio::awaitable<void> RoomAdminService::save_task(storage::RoomAdminTask task) {
  task.updated_ts = ctx_.now_ms();
  storage::Store& store = ctx_.store;
  auto save = [&store, task] { store.room_admin.put_task(task); };
  co_await ctx_.db(std::move(save));
}

}  // namespace myelin::services
