#include "services/push/push_evaluator.hpp"

#include "protocol/json/access.hpp"
#include "services/push/predefined_rules.hpp"

namespace myelin::services::push {

bool rule_matches(const PushRule& rule, PushRuleKind kind, const boost::json::object& event,
                  const PushRoomContext& context) {
  switch (kind) {
    case PushRuleKind::kOverride:
    case PushRuleKind::kUnderride:
      for (const boost::json::value& condition : rule.conditions) {
        if (!condition.is_object() || !condition_matches(condition.get_object(), event, context)) {
          return false;
        }
      }
      return true;  // no conditions: always matches
    case PushRuleKind::kContent:
      // As event_match on content.body (spec "content" rules).
      return rule.pattern && glob_matches_property(event, "content.body", *rule.pattern, context);
    case PushRuleKind::kRoom:
      return json::find_string(event, "room_id") == std::optional<std::string_view>(rule.rule_id);
    case PushRuleKind::kSender:
      return json::find_string(event, "sender") == std::optional<std::string_view>(rule.rule_id);
  }
  return false;
}

PushEvaluation evaluate_push_rules(const PushRuleSet& rules, const boost::json::object& event,
                                   const PushRoomContext& context) {
  PushEvaluation result;
  if (json::find_string(event, "sender") == std::optional<std::string_view>(context.user_id)) {
    return result;
  }
  const boost::json::object* content = json::find_object(event, "content");
  const bool has_mentions = content && json::find_object(*content, "m.mentions");
  for (PushRuleKind kind : kPushRuleKinds) {
    for (const PushRule& rule : rules.rules(kind)) {
      if (!rule.enabled) continue;
      if (has_mentions && rule.is_default && is_legacy_mention_rule(kind, rule.rule_id)) continue;
      if (!rule_matches(rule, kind, event, context)) continue;
      result.matched = true;
      result.kind = kind;
      result.rule_id = rule.rule_id;
      // Stored actions were cleaned on the way in; defaults never carry historical ones. Strip
      // anyway, as data stored by an older version might.
      for (const boost::json::value& action : rule.actions) {
        if (action == "dont_notify" || action == "coalesce") continue;
        result.actions.push_back(action);
      }
      ActionSummary summary = summarise_actions(result.actions);
      result.notify = summary.notify;
      result.highlight = summary.highlight;
      result.sound = std::move(summary.sound);
      result.tweaks = std::move(summary.tweaks);
      return result;
    }
  }
  return result;
}

}  // namespace myelin::services::push
