#include "services/push/push_rule.hpp"

#include "protocol/json/access.hpp"

namespace myelin::services::push {

std::string_view push_rule_kind_name(PushRuleKind kind) {
  switch (kind) {
    case PushRuleKind::kOverride:
      return "override";
    case PushRuleKind::kContent:
      return "content";
    case PushRuleKind::kRoom:
      return "room";
    case PushRuleKind::kSender:
      return "sender";
    case PushRuleKind::kUnderride:
      return "underride";
  }
  return "override";
}

std::optional<PushRuleKind> parse_push_rule_kind(std::string_view name) {
  for (PushRuleKind kind : kPushRuleKinds) {
    if (push_rule_kind_name(kind) == name) return kind;
  }
  return std::nullopt;
}

boost::json::object push_rule_to_json(const PushRule& rule, PushRuleKind kind) {
  boost::json::object out;
  out["rule_id"] = rule.rule_id;
  out["default"] = rule.is_default;
  out["enabled"] = rule.enabled;
  if (kind == PushRuleKind::kOverride || kind == PushRuleKind::kUnderride) {
    out["conditions"] = rule.conditions;
  }
  if (kind == PushRuleKind::kContent && rule.pattern) out["pattern"] = *rule.pattern;
  out["actions"] = rule.actions;
  return out;
}

std::optional<PushRule> push_rule_from_json(const boost::json::object& json, PushRuleKind kind) {
  PushRule rule;
  auto rule_id = json::find_string(json, "rule_id");
  const boost::json::value* is_default = json.if_contains("default");
  const boost::json::value* enabled = json.if_contains("enabled");
  const boost::json::array* actions = json::find_array(json, "actions");
  if (!rule_id || !is_default || !is_default->is_bool() || !enabled || !enabled->is_bool() ||
      !actions) {
    return std::nullopt;
  }
  rule.rule_id = std::string(*rule_id);
  rule.is_default = is_default->get_bool();
  rule.enabled = enabled->get_bool();
  rule.actions = *actions;
  if (kind == PushRuleKind::kOverride || kind == PushRuleKind::kUnderride) {
    if (const boost::json::array* conditions = json::find_array(json, "conditions")) {
      rule.conditions = *conditions;
    }
  }
  if (kind == PushRuleKind::kContent) {
    auto pattern = json::find_string(json, "pattern");
    if (!pattern) return std::nullopt;
    rule.pattern = std::string(*pattern);
  }
  return rule;
}

}  // namespace myelin::services::push
