// Fuzzes json::parse on arbitrary bytes, and the canonical encoder on everything it accepts: the
// encoding must parse again and be a fixed point (parse(encode(parse(x))) encodes the same), since
// signatures and event IDs depend on every server producing the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/json/canonical.hpp"
#include "protocol/json/parse.hpp"

namespace {

[[noreturn]] void die(const char* what, const std::string& a, const std::string& b) {
  std::fprintf(stderr, "%s\n  first:  %s\n  second: %s\n", what, a.c_str(), b.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto value = myelin::json::parse(text);
  if (!value) return 0;
  (void)myelin::json::check_canonical_numbers(*value);
  std::string first = myelin::json::encode_canonical(*value);
  auto again = myelin::json::parse(first);
  if (!again) die(("canonical encoding does not parse: " + again.error()).c_str(), first, "");
  std::string second = myelin::json::encode_canonical(*again);
  if (first != second) die("canonical encoding is not a fixed point", first, second);
  return 0;
}
