#pragma once

#include <boost/json/value.hpp>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/room_versions/room_version.hpp"

namespace myelin::auth {

// A user's or an action's power level. Finite levels are integers; from room version 12 the
// room's creators have an infinitely high level (spec /rooms/v12 "room creators"), which compares
// greater than every finite level and equal to itself.
class PowerLevel {
 public:
  constexpr PowerLevel() = default;
  constexpr explicit PowerLevel(std::int64_t value) : value_(value) {}
  static constexpr PowerLevel infinite() {
    PowerLevel level;
    level.infinite_ = true;
    return level;
  }

  constexpr bool is_infinite() const { return infinite_; }
  // The finite value; 0 for an infinite level (check is_infinite first).
  constexpr std::int64_t value() const { return infinite_ ? 0 : value_; }

  // Members compare in declaration order: infinity first, then the value.
  friend constexpr auto operator<=>(const PowerLevel&, const PowerLevel&) = default;

  // "100", or "infinite".
  std::string to_string() const;

 private:
  bool infinite_ = false;
  std::int64_t value_ = 0;
};

// A power level value as an m.room.power_levels event holds it, read per room version:
// integers always; before v10 also strings holding an integer (spec fragment
// "v1-stringy-power-levels": optional surrounding whitespace, one optional sign, leading zeroes);
// in v1–v5, which do not enforce canonical JSON, floats truncated toward zero (fragment
// "v1-floaty-power-levels"). nullopt for anything else, including values outside int64.
std::optional<std::int64_t> parse_power_level(const boost::json::value& value,
                                              const RoomVersion& version);

// Just the string form of the above (exposed for tests).
std::optional<std::int64_t> parse_power_level_string(std::string_view text);

}  // namespace myelin::auth
