#include "services/push/push_rule_set.hpp"

#include <algorithm>

#include "protocol/json/access.hpp"
#include "services/push/push_actions.hpp"

namespace myelin::services::push {
namespace {

std::size_t index_of(PushRuleKind kind) { return static_cast<std::size_t>(kind); }

bool has_conditions(PushRuleKind kind) {
  return kind == PushRuleKind::kOverride || kind == PushRuleKind::kUnderride;
}

Unexpected<MatrixError> error(ErrCode code, std::string message) {
  return Unexpected<MatrixError>{MatrixError(code, std::move(message))};
}

Unexpected<MatrixError> not_found() {
  return error(ErrCode::kNotFound, "The push rule was not found.");
}

// The body's "actions", checked and with historical actions stripped.
Expected<boost::json::array, MatrixError> actions_from_body(const boost::json::object& body) {
  const boost::json::value* actions = body.if_contains("actions");
  if (!actions || !actions->is_array()) {
    return error(ErrCode::kBadJson, "'actions' must be an array");
  }
  Expected<boost::json::array> normalised = normalise_actions(*actions);
  if (!normalised) return error(ErrCode::kInvalidParam, normalised.error());
  return std::move(*normalised);
}

// A rule of `kind` built from a PUT body; enabled and `default` are the caller's to set.
Expected<PushRule, MatrixError> rule_from_body(PushRuleKind kind, std::string_view rule_id,
                                               const boost::json::object& body) {
  PushRule rule;
  rule.rule_id = std::string(rule_id);
  auto actions = actions_from_body(body);
  if (!actions) return Unexpected<MatrixError>{actions.error()};
  rule.actions = std::move(*actions);
  if (has_conditions(kind)) {
    // Optional: "A rule with no conditions always matches" (spec, push_rule.yaml).
    if (const boost::json::value* conditions = body.if_contains("conditions")) {
      const boost::json::array* list = conditions->if_array();
      if (!list) return error(ErrCode::kBadJson, "'conditions' must be an array");
      for (const boost::json::value& condition : *list) {
        // Unknown kinds are kept (they never match); a condition without a kind is malformed.
        if (!condition.is_object() || !json::find_string(condition.get_object(), "kind")) {
          return error(ErrCode::kBadJson, "each condition must be an object with a string 'kind'");
        }
      }
      rule.conditions = *list;
    }
  }
  if (kind == PushRuleKind::kContent) {
    auto pattern = json::find_string(body, "pattern");
    if (!pattern) return error(ErrCode::kBadJson, "a content rule needs a string 'pattern'");
    rule.pattern = std::string(*pattern);
  }
  return rule;
}

PushRuleList::iterator find_in(PushRuleList& rules, std::string_view rule_id) {
  return std::find_if(rules.begin(), rules.end(),
                      [&](const PushRule& rule) { return rule.rule_id == rule_id; });
}

}  // namespace

PushRuleSet::PushRuleSet(std::string user_id)
    : user_id_(std::move(user_id)), defaults_(predefined_push_rules(user_id_)) {
  rebuild();
}

Expected<PushRuleSet> PushRuleSet::from_storage_json(std::string user_id,
                                                     const boost::json::object& stored) {
  PushRuleSet set(std::move(user_id));
  const boost::json::object* user_rules = json::find_object(stored, "user_rules");
  const boost::json::object* default_changes = json::find_object(stored, "default_changes");
  for (PushRuleKind kind : kPushRuleKinds) {
    const std::string_view name = push_rule_kind_name(kind);
    if (const boost::json::array* list =
            user_rules ? json::find_array(*user_rules, name) : nullptr) {
      for (const boost::json::value& item : *list) {
        std::optional<PushRule> rule =
            item.is_object() ? push_rule_from_json(item.get_object(), kind) : std::nullopt;
        if (!rule) return fail("stored push rule of kind " + std::string(name) + " is malformed");
        set.user_rules_[index_of(kind)].push_back(std::move(*rule));
      }
    }
    const boost::json::object* changes =
        default_changes ? json::find_object(*default_changes, name) : nullptr;
    if (!changes) continue;
    for (const auto& [rule_id, change_value] : *changes) {
      const boost::json::object* change = change_value.if_object();
      if (!change) return fail("stored push rule change is malformed");
      DefaultChange parsed;
      if (const boost::json::value* enabled = change->if_contains("enabled")) {
        if (!enabled->is_bool()) return fail("stored push rule change is malformed");
        parsed.enabled = enabled->get_bool();
      }
      if (const boost::json::array* actions = json::find_array(*change, "actions")) {
        parsed.actions = *actions;
      }
      set.default_changes_[index_of(kind)][std::string(rule_id)] = std::move(parsed);
    }
  }
  set.rebuild();
  return set;
}

boost::json::object PushRuleSet::to_storage_json() const {
  boost::json::object user_rules;
  boost::json::object default_changes;
  for (PushRuleKind kind : kPushRuleKinds) {
    boost::json::array list;
    for (const PushRule& rule : user_rules_[index_of(kind)]) {
      list.push_back(push_rule_to_json(rule, kind));
    }
    user_rules[push_rule_kind_name(kind)] = std::move(list);
    boost::json::object changes;
    for (const auto& [rule_id, change] : default_changes_[index_of(kind)]) {
      boost::json::object entry;
      if (change.enabled) entry["enabled"] = *change.enabled;
      if (change.actions) entry["actions"] = *change.actions;
      changes[rule_id] = std::move(entry);
    }
    if (!changes.empty()) default_changes[push_rule_kind_name(kind)] = std::move(changes);
  }
  return {{"user_rules", std::move(user_rules)}, {"default_changes", std::move(default_changes)}};
}

const PushRule* PushRuleSet::find(PushRuleKind kind, std::string_view rule_id) const {
  for (const PushRule& rule : rules(kind)) {
    if (rule.rule_id == rule_id) return &rule;
  }
  return nullptr;
}

boost::json::object PushRuleSet::ruleset_json() const {
  boost::json::object ruleset;
  for (PushRuleKind kind : kPushRuleKinds) {
    boost::json::array list;
    for (const PushRule& rule : rules(kind)) list.push_back(push_rule_to_json(rule, kind));
    ruleset[push_rule_kind_name(kind)] = std::move(list);
  }
  return ruleset;
}

boost::json::object PushRuleSet::to_client_json() const { return {{"global", ruleset_json()}}; }

Expected<Ok, MatrixError> PushRuleSet::put_rule(PushRuleKind kind, std::string_view rule_id,
                                                const boost::json::object& body,
                                                std::string_view before, std::string_view after) {
  // Spec (PUT /pushrules/global/{kind}/{ruleId}): a leading '.' is reserved for server-default
  // rules; slashes and backslashes are not allowed.
  if (rule_id.empty()) return error(ErrCode::kInvalidParam, "rule_id must not be empty");
  if (rule_id.front() == '.') {
    return error(ErrCode::kInvalidParam, "rule_ids starting with '.' are reserved for the server");
  }
  if (rule_id.find_first_of("/\\") != std::string_view::npos) {
    return error(ErrCode::kInvalidParam, "rule_id may not contain slashes or backslashes");
  }
  auto built = rule_from_body(kind, rule_id, body);
  if (!built) return Unexpected<MatrixError>{built.error()};
  PushRule rule = std::move(*built);

  PushRuleList& list = user_rules_[index_of(kind)];
  auto existing = find_in(list, rule_id);
  const std::string_view anchor = !before.empty() ? before : after;
  if (!anchor.empty()) {
    // The anchor must be another user rule of this kind; look it up before moving anything so a
    // failed request changes nothing.
    auto anchor_it = find_in(list, anchor);
    if (anchor_it == list.end() || anchor == rule_id) {
      return error(ErrCode::kUnknown, "before/after rule not found: " + std::string(anchor));
    }
    if (existing != list.end()) {
      rule.enabled = existing->enabled;
      list.erase(existing);
    }
    anchor_it = find_in(list, anchor);
    if (before.empty()) ++anchor_it;  // after: next-less important
    list.insert(anchor_it, std::move(rule));
  } else if (existing != list.end()) {
    rule.enabled = existing->enabled;
    *existing = std::move(rule);
  } else {
    list.insert(list.begin(), std::move(rule));  // new: most important user rule of its kind
  }
  rebuild();
  return Ok{};
}

Expected<Ok, MatrixError> PushRuleSet::delete_rule(PushRuleKind kind, std::string_view rule_id) {
  PushRuleList& list = user_rules_[index_of(kind)];
  auto existing = find_in(list, rule_id);
  if (existing == list.end()) return not_found();
  list.erase(existing);
  rebuild();
  return Ok{};
}

Expected<Ok, MatrixError> PushRuleSet::put_enabled(PushRuleKind kind, std::string_view rule_id,
                                                   const boost::json::object& body) {
  const boost::json::value* enabled = body.if_contains("enabled");
  if (!enabled || !enabled->is_bool()) {
    return error(ErrCode::kBadJson, "'enabled' must be a boolean");
  }
  return set_enabled(kind, rule_id, enabled->get_bool());
}

Expected<Ok, MatrixError> PushRuleSet::set_enabled(PushRuleKind kind, std::string_view rule_id,
                                                   bool enabled) {
  if (PushRule* rule = find_user_rule(kind, rule_id)) {
    rule->enabled = enabled;
  } else if (find_default_rule(kind, rule_id)) {
    default_changes_[index_of(kind)][std::string(rule_id)].enabled = enabled;
  } else {
    return not_found();
  }
  rebuild();
  return Ok{};
}

Expected<Ok, MatrixError> PushRuleSet::put_actions(PushRuleKind kind, std::string_view rule_id,
                                                   const boost::json::object& body) {
  PushRule* user_rule = find_user_rule(kind, rule_id);
  if (!user_rule && !find_default_rule(kind, rule_id)) return not_found();
  auto actions = actions_from_body(body);
  if (!actions) return Unexpected<MatrixError>{actions.error()};
  if (user_rule) {
    user_rule->actions = std::move(*actions);
  } else {
    default_changes_[index_of(kind)][std::string(rule_id)].actions = std::move(*actions);
  }
  rebuild();
  return Ok{};
}

PushRule* PushRuleSet::find_user_rule(PushRuleKind kind, std::string_view rule_id) {
  PushRuleList& list = user_rules_[index_of(kind)];
  auto it = find_in(list, rule_id);
  return it == list.end() ? nullptr : &*it;
}

const PushRule* PushRuleSet::find_default_rule(PushRuleKind kind, std::string_view rule_id) const {
  for (const PushRule& rule : defaults_[index_of(kind)]) {
    if (rule.rule_id == rule_id) return &rule;
  }
  return nullptr;
}

void PushRuleSet::rebuild() {
  for (PushRuleKind kind : kPushRuleKinds) {
    const std::size_t k = index_of(kind);
    PushRuleList defaults = defaults_[k];
    for (PushRule& rule : defaults) {
      auto change = default_changes_[k].find(rule.rule_id);
      if (change == default_changes_[k].end()) continue;
      if (change->second.enabled) rule.enabled = *change->second.enabled;
      if (change->second.actions) rule.actions = *change->second.actions;
    }
    PushRuleList& out = effective_[k];
    out.clear();
    auto rest = defaults.begin();
    // .m.rule.master outranks even the user's rules (spec "Predefined Rules").
    if (kind == PushRuleKind::kOverride && rest != defaults.end() &&
        rest->rule_id == kMasterRuleId) {
      out.push_back(std::move(*rest++));
    }
    out.insert(out.end(), user_rules_[k].begin(), user_rules_[k].end());
    out.insert(out.end(), std::make_move_iterator(rest), std::make_move_iterator(defaults.end()));
    compiled_[k].clear();
    for (const PushRule& rule : out) {
      compiled_[k].emplace_back(rule.conditions).shared_slot = rule.shared_slot;
    }
  }
}

}  // namespace myelin::services::push
