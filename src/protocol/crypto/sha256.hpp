#pragma once

#include <string>
#include <string_view>

namespace myelin::crypto {

// SHA-256 of the bytes: the 32 raw bytes of the digest (event content hashes and reference hashes
// are SHA-256, spec server-server API "Calculating the content hash for an event").
std::string sha256(std::string_view bytes);

}  // namespace myelin::crypto
