#include "services/filter/filter_match.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace myelin::filter {
namespace {

using StringList = std::optional<std::vector<std::string>>;

template <typename Pred>
bool any_of(const StringList& list, Pred pred) {
  return list && std::any_of(list->begin(), list->end(), pred);
}

// Whether a value passes an include list and an exclude list.
template <typename Pred>
bool passes(const StringList& allowed, const StringList& excluded, Pred pred) {
  if (any_of(excluded, pred)) return false;
  return !allowed || std::any_of(allowed->begin(), allowed->end(), pred);
}

bool passes_exact(const StringList& allowed, const StringList& excluded, std::string_view value) {
  return passes(allowed, excluded, [value](const std::string& entry) { return entry == value; });
}

// A glob of stars alone matches every type.
bool lists_match_all(const StringList& list) {
  return any_of(list, [](const std::string& entry) {
    return !entry.empty() && entry.find_first_not_of('*') == std::string::npos;
  });
}

bool is_empty(const StringList& list) { return list && list->empty(); }

}  // namespace

bool type_matches(std::string_view pattern, std::string_view type) {
  // Greedy match with backtracking to the last '*': O(pattern * type) at worst, no recursion.
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;  // position of the last '*' seen in pattern
  std::size_t resume = 0;                     // where in type that '*' currently stops
  while (t < type.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == type[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool matches(const EventFilter& filter, std::string_view type, std::string_view sender) {
  if (!passes_exact(filter.senders, filter.not_senders, sender)) return false;
  return passes(filter.types, filter.not_types,
                [type](const std::string& pattern) { return type_matches(pattern, type); });
}

bool includes_room(const RoomFilter& filter, std::string_view room_id) {
  return passes_exact(filter.rooms, filter.not_rooms, room_id);
}

bool includes_room(const RoomEventFilter& filter, std::string_view room_id) {
  return passes_exact(filter.rooms, filter.not_rooms, room_id);
}

bool matches(const RoomEventFilter& filter, std::string_view room_id, std::string_view type,
             std::string_view sender, bool has_url) {
  if (!includes_room(filter, room_id)) return false;
  if (!matches(static_cast<const EventFilter&>(filter), type, sender)) return false;
  return !filter.contains_url || *filter.contains_url == has_url;
}

bool has_string_url(const boost::json::object& event) {
  const boost::json::value* content = event.if_contains("content");
  if (!content || !content->is_object()) return false;
  const boost::json::value* url = content->get_object().if_contains("url");
  return url && url->is_string();
}

bool blocks_everything(const EventFilter& filter) {
  return is_empty(filter.types) || is_empty(filter.senders) || lists_match_all(filter.not_types);
}

bool blocks_everything(const RoomEventFilter& filter) {
  return blocks_everything(static_cast<const EventFilter&>(filter)) || is_empty(filter.rooms);
}

bool blocks_all_rooms(const RoomFilter& filter) { return is_empty(filter.rooms); }

}  // namespace myelin::filter
