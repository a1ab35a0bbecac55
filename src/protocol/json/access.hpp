#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

namespace myelin::json {

// Typed look-ups into untrusted objects: nullptr/nullopt when the key is absent or holds another
// type, so callers decide what a missing or mistyped field means.
inline const boost::json::value* find(const boost::json::object& object, std::string_view key) {
  return object.if_contains(key);
}

inline const boost::json::object* find_object(const boost::json::object& object,
                                              std::string_view key) {
  const boost::json::value* v = object.if_contains(key);
  return v ? v->if_object() : nullptr;
}

inline const boost::json::array* find_array(const boost::json::object& object,
                                            std::string_view key) {
  const boost::json::value* v = object.if_contains(key);
  return v ? v->if_array() : nullptr;
}

inline std::optional<std::string_view> find_string(const boost::json::object& object,
                                                   std::string_view key) {
  const boost::json::value* v = object.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  const boost::json::string& s = v->get_string();
  return std::string_view(s.data(), s.size());
}

// An integer (int64, or uint64 that fits); doubles are not integers here.
inline std::optional<std::int64_t> as_int(const boost::json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v.get_uint64());
  }
  return std::nullopt;
}

inline std::optional<std::int64_t> find_int(const boost::json::object& object,
                                            std::string_view key) {
  const boost::json::value* v = object.if_contains(key);
  return v ? as_int(*v) : std::nullopt;
}

inline std::string_view view(const boost::json::string& s) { return {s.data(), s.size()}; }

}  // namespace myelin::json
