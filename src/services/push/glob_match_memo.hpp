#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace myelin::services::push {

// What glob patterns came to against one event's properties (event_match conditions and content
// rules): that depends on the event alone, so the joined members evaluated for one event share
// it, and each pattern is compiled and run once per event rather than once per member (most of
// a message's push rule cost). Owned by one evaluation on one thread.
class GlobMatchMemo {
 public:
  // The remembered outcome of `pattern` against the property `key`, if any.
  std::optional<bool> find(std::string_view key, std::string_view pattern) const;
  void remember(std::string_view key, std::string_view pattern, bool matched);

 private:
  // Keyed by the key's length, ':', the key and the pattern: unambiguous whatever they hold.
  // Hashed, as content rules on members' names make one pattern per member.
  static std::string entry_key(std::string_view key, std::string_view pattern);
  std::unordered_map<std::string, bool> outcomes_;
};

}  // namespace myelin::services::push
