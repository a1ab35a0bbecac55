#include "protocol/ids/sigil_id.hpp"

#include <string>

#include "protocol/ids/utf8.hpp"

namespace myelin::ids {

Expected<SigilId> parse_sigil_id(std::string_view text, char sigil, std::string_view what) {
  std::string name(what);
  if (text.empty() || text.front() != sigil) {
    return fail(name + " must start with '" + std::string(1, sigil) + "'");
  }
  if (text.size() > kMaxIdBytes) {
    return fail(name + " is longer than " + std::to_string(kMaxIdBytes) + " bytes");
  }
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return fail(name + " has no ':server_name' part");
  auto server = ServerName::parse(text.substr(colon + 1));
  if (!server) return fail(name + " has an invalid server name: " + server.error());
  return SigilId{text.substr(1, colon - 1), std::move(*server)};
}

bool is_opaque_localpart(std::string_view localpart) {
  return localpart.find('\0') == std::string_view::npos &&
         localpart.find(':') == std::string_view::npos && is_valid_utf8(localpart);
}

}  // namespace myelin::ids
