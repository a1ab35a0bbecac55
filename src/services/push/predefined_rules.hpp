#pragma once

#include <array>
#include <string_view>
#include <vector>

#include "services/push/push_rule.hpp"

namespace myelin::services::push {

// The server-default rules of one kind, in spec order.
using PushRuleList = std::vector<PushRule>;
using PushRulesByKind = std::array<PushRuleList, kPushRuleKinds.size()>;

inline constexpr std::string_view kMasterRuleId = ".m.rule.master";

// The spec's server-default rules ("Predefined Rules") for `user_id`, indexed by PushRuleKind,
// with the user's Matrix ID and localpart substituted. Besides the current spec's rules this
// includes the three legacy body-mention rules (.m.rule.contains_display_name,
// .m.rule.roomnotif, .m.rule.contains_user_name; removed in spec v1.17) at the places Synapse
// still ships them, so clients see the rule set they expect; the evaluator skips them for events
// that carry m.mentions, as spec v1.7 required.
PushRulesByKind predefined_push_rules(std::string_view user_id);

// One of the three legacy rules above.
bool is_legacy_mention_rule(PushRuleKind kind, std::string_view rule_id);

}  // namespace myelin::services::push
