#include "services/push/push_evaluator.hpp"

#include "protocol/json/access.hpp"
#include "services/push/predefined_rules.hpp"

namespace myelin::services::push {

namespace {

bool compiled_rule_matches(const PushRule& rule, const CompiledConditions& conditions,
                           PushRuleKind kind, const boost::json::object& event,
                           const PushRoomContext& context) {
  switch (kind) {
    case PushRuleKind::kOverride:
    case PushRuleKind::kUnderride:
      if (conditions.never) return false;
      for (const CompiledCondition& condition : conditions.conditions) {
        if (!condition.matches(event, context)) return false;
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

// compiled_rule_matches, remembered in context.rule_outcomes for the rules that name nobody.
bool shared_rule_matches(const PushRule& rule, const CompiledConditions& conditions,
                         PushRuleKind kind, const boost::json::object& event,
                         const PushRoomContext& context) {
  RuleOutcomeMemo* memo = conditions.shared_slot >= 0 ? context.rule_outcomes : nullptr;
  if (memo) {
    if (std::optional<bool> known = memo->find(conditions.shared_slot)) return *known;
  }
  const bool matched = compiled_rule_matches(rule, conditions, kind, event, context);
  if (memo) memo->remember(conditions.shared_slot, matched);
  return matched;
}

}  // namespace

bool rule_matches(const PushRule& rule, PushRuleKind kind, const boost::json::object& event,
                  const PushRoomContext& context) {
  return compiled_rule_matches(rule, CompiledConditions(rule.conditions), kind, event, context);
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
    const PushRuleList& list = rules.rules(kind);
    const std::vector<CompiledConditions>& compiled = rules.compiled(kind);
    for (std::size_t i = 0; i < list.size(); ++i) {
      const PushRule& rule = list[i];
      if (!rule.enabled) continue;
      if (has_mentions && rule.is_default && is_legacy_mention_rule(kind, rule.rule_id)) continue;
      if (!shared_rule_matches(rule, compiled[i], kind, event, context)) continue;
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
