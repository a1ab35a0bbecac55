#pragma once

#include <span>
#include <string_view>

namespace myelin {

// How events of a room version are shaped on the wire.
enum class EventFormat {
  kV1,  // v1–v2: "event_id" is in the event; prev/auth events are [id, {hashes}] pairs
  kV2,  // v3: event ID is "$" + standard base64 of the reference hash; lists of IDs
  kV3,  // v4–v11: as kV2 with URL-safe base64
  kV4,  // v12: as kV3; the create event has no room_id, room ID = "!" + its reference hash
};

enum class StateResAlgorithm {
  kV1,   // v1
  kV2,   // v2–v11
  kV21,  // v12: v2 plus an empty starting state and the conflicted state subgraph
};

// What a room version changes. Each version is the previous one plus a few flags (see
// room_version.cpp); code asks for the feature, never compares version strings.
struct RoomVersion {
  std::string_view id;
  bool stable = true;
  EventFormat event_format = EventFormat::kV1;
  StateResAlgorithm state_res = StateResAlgorithm::kV1;
  // v5: a signing key's valid_until_ts must cover the event's origin_server_ts.
  bool enforce_key_validity = false;
  // v1–v5: m.room.aliases has its own auth rule and redaction keeps "aliases".
  bool special_case_aliases_auth = true;
  // v6: events must be canonical JSON (integers in range, no floats).
  bool strict_canonical_json = false;
  // v6: changes to "notifications" in m.room.power_levels are checked by the auth rules.
  bool limit_notifications_power_levels = false;
  // v7: the "knock" join rule and membership.
  bool knock_join_rule = false;
  // v8: the "restricted" join rule (join_authorised_via_users_server).
  bool restricted_join_rule = false;
  // v9: redaction keeps join_authorised_via_users_server in m.room.member content.
  bool restricted_join_rule_fix = false;
  // v10: the "knock_restricted" join rule.
  bool knock_restricted_join_rule = false;
  // v10: power levels must be integers, not strings holding integers.
  bool enforce_int_power_levels = false;
  // v11: the creator is the create event's sender; content.creator is no longer required.
  bool implicit_room_creator = false;
  // v11: MSC2176 redaction rules ("redacts" moves into content, origin/membership/prev_state
  // no longer kept at the top level, more content kept for create, power levels, invites).
  bool updated_redaction_rules = false;
  // v12: room ID is derived from the create event; the create event has no room_id and is not
  // listed in auth_events.
  bool room_id_is_create_event_hash = false;
  // v12: the create event's sender and content.additional_creators have infinite power level.
  bool privileged_creators = false;
};

// The version for an identifier, or nullptr when the server does not know it.
const RoomVersion* find_room_version(std::string_view id);

// Every version the server knows, oldest first.
std::span<const RoomVersion* const> known_room_versions();

// The version a new room gets when the client does not ask for one (Synapse's default).
const RoomVersion& default_room_version();

}  // namespace myelin
