#include "protocol/room_versions/room_version.hpp"

#include <array>

namespace myelin {
namespace {

// Each version is built from the one before it, so a line states exactly what it changes
// (spec: /rooms/vN "builds on version N-1 with the following considerations").
constexpr RoomVersion kV1 = {.id = "1"};

constexpr RoomVersion derive(RoomVersion base, std::string_view id) {
  base.id = id;
  return base;
}

constexpr RoomVersion kV2 = [] {
  RoomVersion v = derive(kV1, "2");
  v.state_res = StateResAlgorithm::kV2;
  return v;
}();
constexpr RoomVersion kV3 = [] {
  RoomVersion v = derive(kV2, "3");
  v.event_format = EventFormat::kV2;
  return v;
}();
constexpr RoomVersion kV4 = [] {
  RoomVersion v = derive(kV3, "4");
  v.event_format = EventFormat::kV3;
  return v;
}();
constexpr RoomVersion kV5 = [] {
  RoomVersion v = derive(kV4, "5");
  v.enforce_key_validity = true;
  return v;
}();
constexpr RoomVersion kV6 = [] {
  RoomVersion v = derive(kV5, "6");
  v.special_case_aliases_auth = false;
  v.strict_canonical_json = true;
  v.limit_notifications_power_levels = true;
  return v;
}();
constexpr RoomVersion kV7 = [] {
  RoomVersion v = derive(kV6, "7");
  v.knock_join_rule = true;
  return v;
}();
constexpr RoomVersion kV8 = [] {
  RoomVersion v = derive(kV7, "8");
  v.restricted_join_rule = true;
  return v;
}();
constexpr RoomVersion kV9 = [] {
  RoomVersion v = derive(kV8, "9");
  v.restricted_join_rule_fix = true;
  return v;
}();
constexpr RoomVersion kV10 = [] {
  RoomVersion v = derive(kV9, "10");
  v.knock_restricted_join_rule = true;
  v.enforce_int_power_levels = true;
  return v;
}();
constexpr RoomVersion kV11 = [] {
  RoomVersion v = derive(kV10, "11");
  v.implicit_room_creator = true;
  v.updated_redaction_rules = true;
  return v;
}();
constexpr RoomVersion kV12 = [] {
  RoomVersion v = derive(kV11, "12");
  v.event_format = EventFormat::kV4;
  v.state_res = StateResAlgorithm::kV21;
  v.room_id_is_create_event_hash = true;
  v.privileged_creators = true;
  return v;
}();

constexpr std::array<const RoomVersion*, 12> kKnown = {&kV1, &kV2, &kV3, &kV4,  &kV5,  &kV6,
                                                       &kV7, &kV8, &kV9, &kV10, &kV11, &kV12};

}  // namespace

const RoomVersion* find_room_version(std::string_view id) {
  for (const RoomVersion* v : kKnown) {
    if (v->id == id) return v;
  }
  return nullptr;
}

std::span<const RoomVersion* const> known_room_versions() { return kKnown; }

// Synapse 1.1xx defaults to 10; the spec recommends 10 too ("default_room_version").
const RoomVersion& default_room_version() { return kV10; }

}  // namespace myelin
