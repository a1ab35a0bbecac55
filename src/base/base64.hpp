#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace myelin::base64 {

// Unpadded Base64 (spec appendix "Unpadded Base64"): RFC 4648 with the '=' padding stripped.
// Bytes travel in std::string; std::string_view input may hold arbitrary binary data.
std::string encode(std::string_view bytes);

// URL-safe unpadded Base64: '-' and '_' instead of '+' and '/' (event IDs from room version 4).
std::string encode_url(std::string_view bytes);

// Decodes either padded or unpadded input ("SHOULD accept input with or without padding").
// Returns nullopt on characters outside the alphabet, misplaced padding or a length of 4n+1.
// Non-zero trailing bits are accepted, as Python's decoder (Synapse, signedjson) accepts them.
std::optional<std::string> decode(std::string_view text);
std::optional<std::string> decode_url(std::string_view text);

// Accepts both alphabets, even mixed, as Python's unpaddedbase64 (Synapse, signedjson) does when
// it decodes signatures and keys: a signature another server wrote URL-safe must still verify.
std::optional<std::string> decode_any(std::string_view text);

}  // namespace myelin::base64
