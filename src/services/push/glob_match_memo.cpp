#include "services/push/glob_match_memo.hpp"

namespace myelin::services::push {

std::string GlobMatchMemo::entry_key(std::string_view key, std::string_view pattern) {
  std::string entry = std::to_string(key.size());
  entry += ':';
  entry += key;
  entry += pattern;
  return entry;
}

std::optional<bool> GlobMatchMemo::find(std::string_view key, std::string_view pattern) const {
  auto it = outcomes_.find(entry_key(key, pattern));
  if (it == outcomes_.end()) return std::nullopt;
  return it->second;
}

void GlobMatchMemo::remember(std::string_view key, std::string_view pattern, bool matched) {
  outcomes_.emplace(entry_key(key, pattern), matched);
}

}  // namespace myelin::services::push
