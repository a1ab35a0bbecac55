#include "protocol/events/redaction.hpp"

#include <initializer_list>
#include <string_view>

#include "protocol/json/access.hpp"

namespace myelin::events {
namespace {

namespace bj = boost::json;

// Top-level keys every room version protects.
constexpr std::string_view kProtectedKeys[] = {
    "event_id", "type",       "room_id", "sender",      "state_key",   "content",
    "hashes",   "signatures", "depth",   "prev_events", "auth_events", "origin_server_ts",
};
// Protected only until v11 (MSC2176 stopped protecting them).
constexpr std::string_view kLegacyProtectedKeys[] = {"prev_state", "origin", "membership"};

void keep(const bj::object& from, bj::object& to, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    if (const bj::value* value = from.if_contains(key)) to[key] = *value;
  }
}

bj::object redact_content(std::string_view type, const bj::object& content,
                          const RoomVersion& version) {
  bj::object kept;
  if (type == "m.room.member") {
    keep(content, kept, {"membership"});
    if (version.restricted_join_rule_fix) keep(content, kept, {"join_authorised_via_users_server"});
    if (version.updated_redaction_rules) {
      // v11: third_party_invite survives with only its "signed" member. An object without one
      // stays as {} (Synapse does so, and the reference hash, hence the event ID, depends on it).
      const bj::object* invite = json::find_object(content, "third_party_invite");
      if (invite) {
        bj::object pruned;
        if (const bj::value* signed_block = invite->if_contains("signed")) {
          pruned["signed"] = *signed_block;
        }
        kept["third_party_invite"] = std::move(pruned);
      }
    }
  } else if (type == "m.room.create") {
    if (version.updated_redaction_rules) return content;  // v11: the whole content is kept
    keep(content, kept, {"creator"});
  } else if (type == "m.room.join_rules") {
    keep(content, kept, {"join_rule"});
    if (version.restricted_join_rule) keep(content, kept, {"allow"});
  } else if (type == "m.room.power_levels") {
    keep(content, kept,
         {"ban", "events", "events_default", "kick", "redact", "state_default", "users",
          "users_default"});
    if (version.updated_redaction_rules) keep(content, kept, {"invite"});
  } else if (type == "m.room.aliases") {
    if (version.special_case_aliases_auth) keep(content, kept, {"aliases"});
  } else if (type == "m.room.history_visibility") {
    keep(content, kept, {"history_visibility"});
  } else if (type == "m.room.redaction") {
    if (version.updated_redaction_rules) keep(content, kept, {"redacts"});
  }
  return kept;
}

}  // namespace

bj::object redact(const bj::object& event, const RoomVersion& version) {
  bj::object redacted;
  for (std::string_view key : kProtectedKeys) {
    if (key == "content") continue;
    if (const bj::value* value = event.if_contains(key)) redacted[key] = *value;
  }
  if (!version.updated_redaction_rules) {
    for (std::string_view key : kLegacyProtectedKeys) {
      if (const bj::value* value = event.if_contains(key)) redacted[key] = *value;
    }
  }
  static const bj::object kNoContent;
  const bj::object* content = json::find_object(event, "content");
  std::string_view type = json::find_string(event, "type").value_or("");
  redacted["content"] = redact_content(type, content ? *content : kNoContent, version);
  return redacted;
}

}  // namespace myelin::events
