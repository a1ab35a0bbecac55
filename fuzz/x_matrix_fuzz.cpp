// The X-Matrix Authorization header parser on arbitrary bytes (the first thing any federation
// request from anyone reaches): it must not crash, and what it accepts must keep its promises —
// the required parameters present and non-empty, and credentials that re-serialise through our
// own header writer parse back to the same values.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/federation/x_matrix.hpp"

using namespace myelin;

namespace {

void check(bool promise_kept) {
  if (!promise_kept) std::abort();
}

// A header as the spec asks senders to write it, from parsed credentials.
std::string rewrite(const federation::XMatrixCredentials& c) {
  auto quoted = [](const std::string& value) {
    std::string out = "\"";
    for (char ch : value) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    return out + "\"";
  };
  std::string header = "X-Matrix origin=" + quoted(c.origin);
  if (c.destination) header += ",destination=" + quoted(*c.destination);
  return header + ",key=" + quoted(c.key_id) + ",sig=" + quoted(c.signature);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = federation::parse_authorization(text);
  if (!parsed) return 0;
  check(!parsed->origin.empty() && !parsed->key_id.empty() && !parsed->signature.empty());
  check(!parsed->destination || !parsed->destination->empty());
  auto again = federation::parse_authorization(rewrite(*parsed));
  check(again.has_value());
  check(again->origin == parsed->origin && again->destination == parsed->destination &&
        again->key_id == parsed->key_id && again->signature == parsed->signature);
  return 0;
}
