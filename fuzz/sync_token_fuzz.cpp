// The /sync and /messages token parsers on arbitrary bytes: `since`, `from` and `to` come from
// every client as they like. They must not crash, and what they accept must keep its promises:
// a sync token never has its to-device part above its position, and a token we write from what
// was parsed parses back to the same positions.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "services/sync/sync_token.hpp"

using namespace myelin::services;

namespace {

void check(bool promise_kept) {
  if (!promise_kept) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (std::optional<SyncToken> token = SyncToken::parse(text)) {
    check(token->position >= 0 && token->to_device_position() <= token->position);
    std::optional<SyncToken> again = SyncToken::parse(token->to_string());
    check(again.has_value());
    check(again->position == token->position && again->typing == token->typing &&
          again->to_device_position() == token->to_device_position());
  }
  if (std::optional<std::int64_t> position = parse_pagination_token(text)) {
    check(parse_pagination_token(pagination_token(*position)) == position);
  }
  return 0;
}
