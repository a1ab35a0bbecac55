#pragma once

#include <string>
#include <string_view>

namespace myelin::crypto {

// Lowercase hex SHA-1 of data, from OpenSSL. Only state resolution v1 uses it, as its tie-break
// ("sha1(event_id)", spec /rooms/v1); it protects nothing.
std::string sha1_hex(std::string_view data);

}  // namespace myelin::crypto
