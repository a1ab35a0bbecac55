#include "services/sync/sync_service.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "protocol/json/parse.hpp"
#include "services/common/client_event.hpp"
#include "services/e2ee/device_lists.hpp"
#include "services/e2ee/device_messages.hpp"
#include "services/e2ee/local_keys.hpp"
#include "services/filter/filter_match.hpp"
#include "services/push/push_rule_set.hpp"
#include "services/sync/room_sync.hpp"

namespace myelin::services {

namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

bj::value parse_or_empty(const std::string& text) {
  auto parsed = json::parse(text);
  return parsed ? std::move(*parsed) : bj::value(bj::object{});
}

bj::array invite_state(storage::Store& store, const storage::MembershipRecord& m) {
  bj::array events;
  if (auto stripped = store.events.invite_stripped_state(m.event_id)) {
    bj::value parsed = parse_or_empty(*stripped);
    if (parsed.is_array()) events = std::move(parsed.as_array());
  }
  if (auto invite = store.events.event(m.event_id)) {
    if (auto pdu = json::parse_object(invite->pdu_json)) {
      bj::object stripped = stripped_state_event(*pdu);
      stripped["event_id"] = invite->event_id;
      stripped["origin_server_ts"] = invite->origin_server_ts;
      events.push_back(std::move(stripped));
    }
  }
  return events;
}

bj::object left_unheld_room(storage::Store& store, const storage::MembershipRecord& m,
                            const std::string& user_id, const std::string& device_id,
                            std::int64_t now) {
  std::vector<storage::EventRecord> events;
  if (auto leave = store.events.event(m.event_id)) events.push_back(std::move(*leave));
  bj::array rendered =
      render_events(store, default_room_version(), events, user_id, device_id, now, false);
  return bj::object{{"timeline", bj::object{{"events", std::move(rendered)}, {"limited", false}}},
                    {"state", bj::object{{"events", bj::array()}}}};
}

// Everything a response is built from, gathered before the blocking part runs.
struct SyncSnapshot {
  SyncToken since;
  SyncToken next;
  std::vector<storage::MembershipRecord> memberships;
  std::map<std::string, RoomStatePtr> rooms;
};

}  // namespace

asio::awaitable<bj::object> SyncService::sync(SyncRequest request) {
  std::uint64_t seen = ctx_.notifier.version(request.user_id);
  Outcome outcome = co_await compute(request);
  if (request.since && request.timeout.count() > 0) {
    const auto deadline = std::chrono::steady_clock::now() + request.timeout;
    while (!outcome.has_updates) {
      const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (remaining.count() <= 0) break;
      const bool woken = co_await ctx_.notifier.wait(request.user_id, seen, remaining);
      seen = ctx_.notifier.version(request.user_id);
      outcome = co_await compute(request);
      if (!woken) break;
    }
  }
  co_return std::move(outcome.response);
}

asio::awaitable<SyncService::Outcome> SyncService::compute(const SyncRequest& request) {
  auto snapshot = std::make_shared<SyncSnapshot>();
  snapshot->since = request.since.value_or(SyncToken{});
  snapshot->next = SyncToken{ctx_.store.stream().current(), typing_.serial(), std::nullopt};
  storage::Store& store = ctx_.store;
  std::string user_id = request.user_id;
  auto load_memberships = [&store, user_id] { return store.events.memberships_of_user(user_id); };
  snapshot->memberships = co_await ctx_.db(std::move(load_memberships));
  for (const storage::MembershipRecord& m : snapshot->memberships) {
    if (m.membership == "join" || m.membership == "leave" || m.membership == "ban") {
      RoomStatePtr room = co_await rooms_.room(m.room_id);
      if (room) snapshot->rooms[m.room_id] = room;
    }
  }

  const TypingService& typing = typing_;
  const std::int64_t now = ctx_.now_ms();
  auto build = [&store, &typing, snapshot, request, now]() -> Outcome {
    const std::int64_t since = snapshot->since.position;
    const std::int64_t to = snapshot->next.position;
    const filter::Filter& f = request.filter;
    Outcome outcome;
    bj::object join, invite, leave, knock;

    // Room account data, grouped for the rooms' sections; global account data.
    std::map<std::string, bj::array> room_account_data;
    bj::array global_account_data;
    for (storage::AccountDataRecord& a :
         store.user_data.account_data_since(request.user_id, since, to)) {
      bj::object event{{"type", a.type}, {"content", parse_or_empty(a.content_json)}};
      if (a.room_id.empty()) {
        global_account_data.push_back(std::move(event));
      } else {
        room_account_data[a.room_id].push_back(std::move(event));
      }
    }
    // Clients (matrix-js-sdk, Element) expect m.push_rules in every initial sync, as Synapse
    // sends it; a user who never changed a rule has it only as the server defaults.
    if (since == 0 && std::none_of(global_account_data.begin(), global_account_data.end(),
                                   [](const bj::value& e) {
                                     return e.at("type").as_string() == "m.push_rules";
                                   })) {
      global_account_data.push_back(
          bj::object{{"type", "m.push_rules"},
                     {"content", push::PushRuleSet(request.user_id).to_client_json()}});
    }

    // An incremental sync skips, without further queries, the joined rooms where nothing
    // happened (most of them, for a user in many rooms).
    std::set<std::string> active;
    if (since != 0) active = store.events.active_rooms(since, to);

    std::set<std::string> shared_users{request.user_id};
    for (const storage::MembershipRecord& m : snapshot->memberships) {
      if (m.stream_ordering > to || m.forgotten) continue;  // after our snapshot: next time
      if (!filter::includes_room(f.room, m.room_id)) continue;
      const bool changed = since == 0 || m.stream_ordering > since;
      RoomSyncInput input{store,
                          typing,
                          f,
                          request.user_id,
                          request.device_id,
                          now,
                          changed || request.full_state ? 0 : since,
                          snapshot->since.typing,
                          snapshot->next.typing,
                          to,
                          request.full_state};
      auto room_it = snapshot->rooms.find(m.room_id);
      if (m.membership == "join" && room_it != snapshot->rooms.end()) {
        for (const std::string& member : room_it->second->joined_users()) {
          shared_users.insert(member);
        }
        if (input.since != 0 && !request.full_state && !active.count(m.room_id) &&
            !room_account_data.count(m.room_id) &&
            !typing.changed_between(m.room_id, snapshot->since.typing, snapshot->next.typing)) {
          continue;
        }
        RoomSyncResult room = joined_room_sync(input, *room_it->second);
        if (auto data = room_account_data.find(m.room_id); data != room_account_data.end()) {
          room.section["account_data"] = bj::object{{"events", std::move(data->second)}};
          room.has_updates = true;
        }
        if (room.has_updates || request.full_state) {
          join[m.room_id] = std::move(room.section);
          outcome.has_updates = true;
        }
      } else if (m.membership == "invite" && changed) {
        invite[m.room_id] =
            bj::object{{"invite_state", bj::object{{"events", invite_state(store, m)}}}};
        outcome.has_updates = true;
      } else if (m.membership == "knock" && changed) {
        knock[m.room_id] =
            bj::object{{"knock_state", bj::object{{"events", invite_state(store, m)}}}};
        outcome.has_updates = true;
      } else if ((m.membership == "leave" || m.membership == "ban") &&
                 room_it != snapshot->rooms.end() &&
                 ((since != 0 && changed) || (since == 0 && f.room.include_leave))) {
        input.since = since;
        leave[m.room_id] = left_room_sync(input, *room_it->second, m.stream_ordering).section;
        outcome.has_updates = true;
      } else if ((m.membership == "leave" || m.membership == "ban") &&
                 room_it == snapshot->rooms.end() && since != 0 && changed) {
        // A room never held here (an invite from another server, rejected or withdrawn): the
        // membership event is all there is to show.
        leave[m.room_id] = left_unheld_room(store, m, request.user_id, request.device_id, now);
        outcome.has_updates = true;
      }
    }

    bj::array presence;
    for (const storage::PresenceRecord& p : store.user_data.presence_since(since, to)) {
      if (!shared_users.count(p.user_id)) continue;
      if (!filter::matches(f.presence, "m.presence", p.user_id)) continue;
      bj::object content{{"presence", p.state},
                         {"last_active_ago", std::max<std::int64_t>(0, now - p.last_active_ts)},
                         {"currently_active", p.state == "online"}};
      if (p.status_msg) content["status_msg"] = *p.status_msg;
      presence.push_back(bj::object{
          {"type", "m.presence"}, {"sender", p.user_id}, {"content", std::move(content)}});
    }
    bj::array account_data;
    for (bj::value& event : global_account_data) {
      const bj::object& e = event.as_object();
      if (filter::matches(f.account_data, e.at("type").as_string(), "")) {
        account_data.push_back(std::move(event));
      }
    }
    if (!presence.empty() || !account_data.empty()) outcome.has_updates = true;

    // End-to-end encryption's plumbing: messages for this device, whose keys to fetch again.
    SyncToken next = snapshot->next;
    ToDeviceSync to_device =
        to_device_for_sync(store, request.user_id, request.device_id,
                           request.since ? snapshot->since.to_device_position() : 0, to);
    next.to_device = to_device.delivered_through;
    DeviceListSync device_lists;
    if (since != 0) {
      device_lists = device_lists_for_sync(store, request.user_id, since, to, snapshot->memberships,
                                           active, snapshot->rooms);
    }
    if (!to_device.events.empty() || !device_lists.changed.empty() || !device_lists.left.empty()) {
      outcome.has_updates = true;
    }

    const bj::array unused_fallback =
        string_array(store.e2ee_keys.unused_fallback_key_types(request.user_id, request.device_id));
    outcome.response = bj::object{
        {"next_batch", next.to_string()},
        {"rooms", bj::object{{"join", std::move(join)},
                             {"invite", std::move(invite)},
                             {"leave", std::move(leave)},
                             {"knock", std::move(knock)}}},
        {"account_data", bj::object{{"events", std::move(account_data)}}},
        {"presence", bj::object{{"events", std::move(presence)}}},
        {"to_device", bj::object{{"events", std::move(to_device.events)}}},
        {"device_lists",
         bj::object{
             {"changed", bj::array(device_lists.changed.begin(), device_lists.changed.end())},
             {"left", bj::array(device_lists.left.begin(), device_lists.left.end())}}},
        // The syncing device's keys left to claim: clients upload more when few are.
        {"device_one_time_keys_count", one_time_key_counts_json(store.e2ee_keys.one_time_key_counts(
                                           request.user_id, request.device_id))},
        {"device_unused_fallback_key_types", unused_fallback},
        // MSC2732's unstable name, which Synapse sends too (older clients read it).
        {"org.matrix.msc2732.device_unused_fallback_key_types", unused_fallback}};
    return outcome;
  };
  co_return co_await ctx_.db(std::move(build));
}

}  // namespace myelin::services
