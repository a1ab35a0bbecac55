#pragma once

#include <string_view>

#include "base/expected.hpp"
#include "protocol/ids/server_name.hpp"

namespace myelin::ids {

// 255 bytes: the limit on user IDs, room IDs, room aliases and event IDs, sigil and domain
// included (spec appendix "Identifier Grammar").
inline constexpr std::size_t kMaxIdBytes = 255;

// The parts of "&localpart:server_name". The localpart ends at the first ':' (localparts cannot
// contain one; server names can, before a port or inside an IPv6 literal).
struct SigilId {
  std::string_view localpart;
  ServerName server_name;
};

// Splits and checks the shared shape: the sigil, the 255-byte limit, a ':' and a valid server
// name. The localpart may be empty and is otherwise unchecked: each identifier has its own rule.
Expected<SigilId> parse_sigil_id(std::string_view text, char sigil, std::string_view what);

// "Any legal non-surrogate Unicode code points except ':' and NUL", control characters and the
// empty string included: the historical grammar of user ID localparts, and the grammar of room
// ID and room alias localparts (spec appendix "Identifier Grammar"). The bytes must be
// well-formed UTF-8: JSON and the HTTP layer's path decoding deliver nothing else, and bytes that
// decode to no code point are not in the grammar.
bool is_opaque_localpart(std::string_view localpart);

}  // namespace myelin::ids
