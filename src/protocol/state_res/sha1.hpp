#pragma once

#include <string>
#include <string_view>

namespace myelin::state_res {

// Lowercase hex SHA-1 (FIPS 180-4) of `data`. Only state resolution v1 uses it, as a tie-break
// ("sha1(event_id)", spec /rooms/v1); it is no security measure, so no library dependency.
std::string sha1_hex(std::string_view data);

}  // namespace myelin::state_res
