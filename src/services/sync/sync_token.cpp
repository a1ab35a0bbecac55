#include "services/sync/sync_token.hpp"

#include <charconv>

namespace myelin::services {

namespace {

template <typename Int>
bool parse_number(std::string_view text, Int& out) {
  if (text.empty()) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size() && out >= 0;
}

}  // namespace

std::string SyncToken::to_string() const {
  std::string text = "s" + std::to_string(position) + "_" + std::to_string(typing);
  if (to_device && *to_device < position) text += "_" + std::to_string(*to_device);
  return text;
}

std::optional<SyncToken> SyncToken::parse(std::string_view text) {
  if (text.size() < 4 || text[0] != 's') return std::nullopt;
  const std::size_t underscore = text.find('_');
  if (underscore == std::string_view::npos) return std::nullopt;
  SyncToken token;
  std::string_view typing = text.substr(underscore + 1);
  if (const std::size_t second = typing.find('_'); second != std::string_view::npos) {
    std::int64_t to_device = 0;
    if (!parse_number(typing.substr(second + 1), to_device)) return std::nullopt;
    token.to_device = to_device;
    typing = typing.substr(0, second);
  }
  if (!parse_number(text.substr(1, underscore - 1), token.position) ||
      !parse_number(typing, token.typing)) {
    return std::nullopt;
  }
  if (token.to_device && *token.to_device > token.position) return std::nullopt;
  return token;
}

std::string pagination_token(std::int64_t position) { return "t" + std::to_string(position); }

std::optional<std::int64_t> parse_pagination_token(std::string_view text) {
  // A sync token is also a valid place to paginate from (clients pass next_batch as `from`).
  if (auto sync = SyncToken::parse(text)) return sync->position;
  if (text.size() < 2 || text[0] != 't') return std::nullopt;
  // Negative below the start of the stream: backfilled history (EventStore::persist_history).
  std::int64_t position = 0;
  auto [end, error] = std::from_chars(text.data() + 1, text.data() + text.size(), position);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return position;
}

}  // namespace myelin::services
