#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "services/push/push_actions.hpp"
#include "services/push/push_condition.hpp"
#include "services/push/push_rule.hpp"
#include "services/push/push_rule_set.hpp"

namespace myelin::services::push {

// The outcome of running one user's rules over one event.
struct PushEvaluation {
  bool matched = false;  // some enabled rule matched (its actions may still be empty)
  PushRuleKind kind = PushRuleKind::kOverride;
  std::string rule_id;         // the matching rule
  boost::json::array actions;  // its actions, historical ones stripped
  // Derived from the actions: whether to count/send a notification, highlight it, which sound.
  bool notify = false;
  bool highlight = false;
  std::optional<std::string> sound;
  boost::json::object tweaks;
};

// Runs `rules` over `event` (client format) for context.user_id: the first enabled rule, in
// priority order, whose conditions all hold decides (spec "Push Rules"). Events the user sent
// match nothing (homeservers MUST NOT notify users of their own events). The legacy body-mention
// rules are skipped for events whose content has an "m.mentions" object (spec v1.7 "User and
// room mentions").
PushEvaluation evaluate_push_rules(const PushRuleSet& rules, const boost::json::object& event,
                                   const PushRoomContext& context);

// Whether one rule of `kind` matches, ignoring its enabled flag.
bool rule_matches(const PushRule& rule, PushRuleKind kind, const boost::json::object& event,
                  const PushRoomContext& context);

}  // namespace myelin::services::push
