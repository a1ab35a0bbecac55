// Push rules (spec client-server API "Push Rules: API") and the pusher list. The rules live in
// services::PushRuleStore; this file maps paths and bodies onto push::PushRuleSet. Errors
// follow Synapse where the spec is silent: a scope other than "global" or an unknown rule kind
// is 400 M_UNRECOGNIZED; unknown rules are 404 M_NOT_FOUND.
#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "base/matrix_error.hpp"
#include "services/push/push_rule_set.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;
namespace push = services::push;

namespace {

void require_global_scope(const http::Request& request) {
  // "global" is the only ruleset the spec defines ("device" rules were removed).
  if (request.param("scope") != "global") {
    throw MatrixError::unrecognized(MatrixError::Unrecognized::kBadRequest,
                                    "Unknown push rule scope: " + request.param("scope"));
  }
}

push::PushRuleKind kind_param(const http::Request& request) {
  require_global_scope(request);
  std::optional<push::PushRuleKind> kind = push::parse_push_rule_kind(request.param("kind"));
  if (!kind) {
    throw MatrixError::unrecognized(MatrixError::Unrecognized::kBadRequest,
                                    "Unknown push rule kind: " + request.param("kind"));
  }
  return *kind;
}

const push::PushRule& existing_rule(const push::PushRuleSet& rules, push::PushRuleKind kind,
                                    const std::string& rule_id) {
  const push::PushRule* rule = rules.find(kind, rule_id);
  if (!rule) throw MatrixError(ErrCode::kNotFound, "The push rule was not found.");
  return *rule;
}

// An empty query value is absent (PushRuleSet::put_rule's contract).
std::string query_or_empty(const http::Request& request, std::string_view key) {
  return query_string(request, key).value_or(std::string());
}

}  // namespace

// GET /_matrix/client/v3/pushrules/ — every ruleset of the user: {"global": {...}}.
Reply get_push_rules(RequestContext& ctx) {
  services::PushRuleSetPtr rules = co_await ctx.services->push_rules->rules(ctx.principal.user_id);
  co_return ok(rules->to_client_json());
}

// GET /_matrix/client/v3/pushrules/global/ — the global ruleset, rules of each kind in priority
// order.
Reply get_push_rules_scope(RequestContext& ctx) {
  require_global_scope(ctx.request);
  services::PushRuleSetPtr rules = co_await ctx.services->push_rules->rules(ctx.principal.user_id);
  co_return ok(rules->ruleset_json());
}

// GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId} — one rule; 404 M_NOT_FOUND.
Reply get_push_rule(RequestContext& ctx) {
  const push::PushRuleKind kind = kind_param(ctx.request);
  services::PushRuleSetPtr rules = co_await ctx.services->push_rules->rules(ctx.principal.user_id);
  const push::PushRule& rule = existing_rule(*rules, kind, ctx.request.param("ruleId"));
  co_return ok(push::push_rule_to_json(rule, kind));
}

// PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}?before=&after= — create or update a
// user rule; server-default IDs (leading '.') are refused.
Reply put_push_rule(RequestContext& ctx) {
  const push::PushRuleKind kind = kind_param(ctx.request);
  bj::object body = body_object(ctx.request);
  std::string rule_id = ctx.request.param("ruleId");
  std::string before = query_or_empty(ctx.request, "before");
  std::string after = query_or_empty(ctx.request, "after");
  services::PushRuleStore::Change change = [kind, rule_id, body, before,
                                            after](push::PushRuleSet& rules) {
    return rules.put_rule(kind, rule_id, body, before, after);
  };
  co_await ctx.services->push_rules->update(ctx.principal.user_id, std::move(change));
  co_return ok();
}

// DELETE /_matrix/client/v3/pushrules/global/{kind}/{ruleId} — remove a user rule; 404 for
// unknown and server-default rules.
Reply delete_push_rule(RequestContext& ctx) {
  const push::PushRuleKind kind = kind_param(ctx.request);
  std::string rule_id = ctx.request.param("ruleId");
  services::PushRuleStore::Change change = [kind, rule_id](push::PushRuleSet& rules) {
    return rules.delete_rule(kind, rule_id);
  };
  co_await ctx.services->push_rules->update(ctx.principal.user_id, std::move(change));
  co_return ok();
}

// GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled — {"enabled": bool}.
Reply get_push_rule_enabled(RequestContext& ctx) {
  const push::PushRuleKind kind = kind_param(ctx.request);
  services::PushRuleSetPtr rules = co_await ctx.services->push_rules->rules(ctx.principal.user_id);
  const push::PushRule& rule = existing_rule(*rules, kind, ctx.request.param("ruleId"));
  co_return ok({{"enabled", rule.enabled}});
}

// PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled — {"enabled": bool} switches
// any rule, server-default ones included.
Reply put_push_rule_enabled(RequestContext& ctx) {
  const push::PushRuleKind kind = kind_param(ctx.request);
  bj::object body = body_object(ctx.request);
  std::string rule_id = ctx.request.param("ruleId");
  services::PushRuleStore::Change change = [kind, rule_id, body](push::PushRuleSet& rules) {
    return rules.put_enabled(kind, rule_id, body);
  };
  co_await ctx.services->push_rules->update(ctx.principal.user_id, std::move(change));
  co_return ok();
}

// GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions — {"actions": [...]}.
Reply get_push_rule_actions(RequestContext& ctx) {
  const push::PushRuleKind kind = kind_param(ctx.request);
  services::PushRuleSetPtr rules = co_await ctx.services->push_rules->rules(ctx.principal.user_id);
  const push::PushRule& rule = existing_rule(*rules, kind, ctx.request.param("ruleId"));
  co_return ok({{"actions", rule.actions}});
}

// PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions — {"actions": [...]} replaces
// the actions of any rule, server-default ones included.
Reply put_push_rule_actions(RequestContext& ctx) {
  const push::PushRuleKind kind = kind_param(ctx.request);
  bj::object body = body_object(ctx.request);
  std::string rule_id = ctx.request.param("ruleId");
  services::PushRuleStore::Change change = [kind, rule_id, body](push::PushRuleSet& rules) {
    return rules.put_actions(kind, rule_id, body);
  };
  co_await ctx.services->push_rules->update(ctx.principal.user_id, std::move(change));
  co_return ok();
}

// GET /_matrix/client/v3/pushers — the user's pushers; none until pushers can be registered.
}  // namespace myelin::api
