#pragma once

#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace myelin::services::push {

// The five kinds of push rule, in the order they are checked (spec "Push Rules").
enum class PushRuleKind { kOverride, kContent, kRoom, kSender, kUnderride };

inline constexpr std::array<PushRuleKind, 5> kPushRuleKinds = {
    PushRuleKind::kOverride, PushRuleKind::kContent, PushRuleKind::kRoom, PushRuleKind::kSender,
    PushRuleKind::kUnderride};

// "override", "content", … as in the /pushrules/global/{kind} path and the ruleset's keys.
std::string_view push_rule_kind_name(PushRuleKind kind);
std::optional<PushRuleKind> parse_push_rule_kind(std::string_view name);

// One push rule (spec definitions/push_rule.yaml). Which fields mean something depends on the
// kind: `conditions` for override and underride rules, `pattern` for content rules; room and
// sender rules match on their rule_id (the room ID or the sender's user ID).
struct PushRule {
  std::string rule_id;
  bool is_default = false;  // "default": a server-default rule (its rule_id starts with '.')
  bool enabled = true;
  boost::json::array conditions;
  std::optional<std::string> pattern;
  boost::json::array actions;
  // In memory only: for a server-default rule whose conditions name nobody (no user ID, local
  // part or display name), a slot of its own, the same for every user; -1 otherwise. Whether
  // such a rule's conditions hold depends on the event alone, so the members evaluated for one
  // event share it (RuleOutcomeMemo).
  int shared_slot = -1;
};

// The rule as the spec renders it: {rule_id, default, enabled, actions} plus conditions
// (override, underride) or pattern (content).
boost::json::object push_rule_to_json(const PushRule& rule, PushRuleKind kind);

// Reads a rule written by push_rule_to_json (stored data, so shape errors are reported, not
// repaired). nullopt when a required field is missing or mistyped.
std::optional<PushRule> push_rule_from_json(const boost::json::object& json, PushRuleKind kind);

}  // namespace myelin::services::push
