#include "services/notifications/notification_evaluator.hpp"

#include <algorithm>
#include <limits>

#include "protocol/auth/power_levels.hpp"
#include "services/push/push_evaluator.hpp"

namespace myelin::services {

namespace bj = boost::json;

namespace {

std::int64_t finite_level(auth::PowerLevel level) {
  // v12 creators have an infinite level: above every notification level.
  return level.is_infinite() ? std::numeric_limits<std::int64_t>::max() : level.value();
}

std::string display_name_in(const RoomState& room, const std::string& user_id) {
  const events::Pdu* member = room.find("m.room.member", user_id);
  if (!member) return {};
  const bj::value* name = member->content().if_contains("displayname");
  return name && name->is_string() ? std::string(name->as_string()) : std::string();
}

// Counted in place: RoomState::joined_users() would copy every member's ID for every event.
std::int64_t joined_member_count(const RoomState& room) {
  std::int64_t count = 0;
  for (auto it = room.state->lower_bound(auth::StateKey("m.room.member", ""));
       it != room.state->end() && it->first.first == "m.room.member"; ++it) {
    if (it->second->membership() == "join") ++count;
  }
  return count;
}

}  // namespace

bj::object push_evaluation_event(const events::Pdu& event) {
  bj::object json{{"event_id", event.event_id()},
                  {"room_id", event.room_id()},
                  {"sender", event.sender()},
                  {"type", event.type()},
                  {"origin_server_ts", event.origin_server_ts()},
                  {"content", event.content()}};
  if (event.state_key()) json["state_key"] = *event.state_key();
  return json;
}

std::vector<storage::PushAction> NotificationEvaluator::evaluate(const RoomState& room,
                                                                 const events::Pdu& event) const {
  return *evaluate_with(room, event, true);
}

std::optional<std::vector<storage::PushAction>> NotificationEvaluator::evaluate_from_memory(
    const RoomState& room, const events::Pdu& event) const {
  return evaluate_with(room, event, false);
}

std::optional<std::vector<storage::PushAction>> NotificationEvaluator::evaluate_with(
    const RoomState& room, const events::Pdu& event, bool may_read_store) const {
  std::vector<storage::PushAction> actions;
  const bool anyone_else =
      std::any_of(room.joined_local_users.begin(), room.joined_local_users.end(),
                  [&](const std::string& u) { return u != event.sender(); });
  if (!anyone_else) return actions;

  const bj::object client_event = push_evaluation_event(event);
  const auth::PowerLevels levels = auth::PowerLevels::from_state(*room.version, room.auth_state());
  const events::Pdu* power_levels = room.find("m.room.power_levels", "");
  push::GlobMatchMemo glob_matches;
  push::RuleOutcomeMemo rule_outcomes;
  push::PushRoomContext context;
  context.glob_matches = &glob_matches;
  context.rule_outcomes = &rule_outcomes;
  context.member_count = joined_member_count(room);
  context.sender_power_level = finite_level(levels.user_level(event.sender()));
  context.notification_levels = push::notification_levels_from_power_levels(
      power_levels ? &power_levels->content() : nullptr);

  for (const std::string& user_id : room.joined_local_users) {
    if (user_id == event.sender()) continue;  // spec: never notify users of their own events
    PushRuleSetPtr rules = rules_(user_id, may_read_store);
    if (!rules) return std::nullopt;
    context.user_id = user_id;
    context.display_name = display_name_in(room, user_id);
    push::PushEvaluation outcome = push::evaluate_push_rules(*rules, client_event, context);
    if (!outcome.notify) continue;
    actions.push_back(storage::PushAction{user_id, outcome.highlight, "main"});
  }
  return actions;
}

PushActionsFn NotificationEvaluator::hook(std::shared_ptr<PushRuleStore> rules) {
  RuleSource source = [store = std::move(rules)](const std::string& user_id, bool may_read_store) {
    return may_read_store ? store->load(user_id) : store->in_memory(user_id);
  };
  auto evaluator = std::make_shared<const NotificationEvaluator>(std::move(source));
  return [evaluator](const RoomState& room, const events::Pdu& event,
                     bool may_read_store) -> std::optional<std::vector<storage::PushAction>> {
    if (may_read_store) return evaluator->evaluate(room, event);
    return evaluator->evaluate_from_memory(room, event);
  };
}

}  // namespace myelin::services
