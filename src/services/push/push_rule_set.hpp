#pragma once

#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.hpp"
#include "base/matrix_error.hpp"
#include "services/push/predefined_rules.hpp"
#include "services/push/push_condition.hpp"
#include "services/push/push_rule.hpp"

namespace myelin::services::push {

// One user's push rules: the server-default rules (with the user's changes to their `enabled`
// flag and actions) and the user's own rules, each kind in priority order. Priority follows the
// spec's "Predefined Rules": server-default rules come after the user's rules of the same kind,
// except .m.rule.master, which comes before everything.
//
// Mutations mirror PUT/DELETE /pushrules/global/{kind}/{ruleId}[/enabled|/actions] and return the
// MatrixError the endpoint should answer with; the API layer throws it.
class PushRuleSet {
 public:
  explicit PushRuleSet(std::string user_id);

  // The stored form: the user's own rules and their changes to server-default rules, not the
  // defaults themselves (so a server upgrade that adds a default rule reaches every user).
  // {"user_rules": {kind: [rule…]}, "default_changes": {kind: {rule_id: {enabled?, actions?}}}}
  static Expected<PushRuleSet> from_storage_json(std::string user_id,
                                                 const boost::json::object& stored);
  boost::json::object to_storage_json() const;

  const std::string& user_id() const { return user_id_; }

  // The rules of one kind in the order they are evaluated (and rendered).
  const PushRuleList& rules(PushRuleKind kind) const {
    return effective_[static_cast<std::size_t>(kind)];
  }
  const PushRule* find(PushRuleKind kind, std::string_view rule_id) const;
  // The conditions of rules(kind), compiled, in the same order.
  const std::vector<CompiledConditions>& compiled(PushRuleKind kind) const {
    return compiled_[static_cast<std::size_t>(kind)];
  }

  // GET /pushrules/global/: {"override": […], "content": […], "room": […], "sender": […],
  // "underride": […]}.
  boost::json::object ruleset_json() const;
  // GET /pushrules/ and the m.push_rules account data content: {"global": ruleset_json()}.
  boost::json::object to_client_json() const;

  // PUT /pushrules/global/{kind}/{ruleId}?before=&after= with `body` {actions, conditions?,
  // pattern?}. Creates the rule (enabled, most important user rule of its kind unless `before` or
  // `after` places it) or updates it in place (keeping its enabled flag). An empty before/after
  // is absent; when both are given, `before` wins (spec). Errors:
  //   M_INVALID_PARAM  rule_id empty, starting with '.', or containing '/' or '\'; an unknown
  //                    action
  //   M_BAD_JSON       actions missing or not an array; conditions not an array of objects
  //                    with a string kind; a content rule without a string pattern
  //   M_UNKNOWN (400)  before/after names no user rule of this kind (the spec's example error,
  //                    "before/after rule not found: …"; server-default rules cannot anchor)
  Expected<Ok, MatrixError> put_rule(PushRuleKind kind, std::string_view rule_id,
                                     const boost::json::object& body, std::string_view before = {},
                                     std::string_view after = {});

  // DELETE /pushrules/global/{kind}/{ruleId}: M_NOT_FOUND for unknown rules and for
  // server-default rules, which cannot be deleted (as Synapse answers).
  Expected<Ok, MatrixError> delete_rule(PushRuleKind kind, std::string_view rule_id);

  // PUT …/enabled with {"enabled": bool} (M_BAD_JSON otherwise), or the flag directly.
  // M_NOT_FOUND for unknown rules.
  Expected<Ok, MatrixError> put_enabled(PushRuleKind kind, std::string_view rule_id,
                                        const boost::json::object& body);
  Expected<Ok, MatrixError> set_enabled(PushRuleKind kind, std::string_view rule_id, bool enabled);

  // PUT …/actions with {"actions": […]}: M_NOT_FOUND, M_BAD_JSON or M_INVALID_PARAM as above.
  Expected<Ok, MatrixError> put_actions(PushRuleKind kind, std::string_view rule_id,
                                        const boost::json::object& body);

 private:
  struct DefaultChange {
    std::optional<bool> enabled;
    std::optional<boost::json::array> actions;
  };
  using DefaultChanges = std::map<std::string, DefaultChange, std::less<>>;

  PushRule* find_user_rule(PushRuleKind kind, std::string_view rule_id);
  const PushRule* find_default_rule(PushRuleKind kind, std::string_view rule_id) const;
  void rebuild();

  std::string user_id_;
  PushRulesByKind defaults_;    // the server's, for this user
  PushRulesByKind user_rules_;  // most important first
  std::array<DefaultChanges, kPushRuleKinds.size()> default_changes_;
  PushRulesByKind effective_;  // what rules() shows, rebuilt after every change
  std::array<std::vector<CompiledConditions>, kPushRuleKinds.size()> compiled_;  // of effective_
};

}  // namespace myelin::services::push
