#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/expected.hpp"

namespace myelin::http {

// The decoded query string: names may repeat (e.g. /messages?filter=…, /keys/query?…, and
// the `via` parameter of /join, which lists several servers).
class QueryParams {
 public:
  using Param = std::pair<std::string, std::string>;

  // "a=1&b=x%20y&a=2&flag" (no leading '?'). Fails on a bad %-escape or invalid UTF-8.
  static Expected<QueryParams> parse(std::string_view query);

  void add(std::string name, std::string value);
  std::optional<std::string_view> get(std::string_view name) const;
  std::vector<std::string_view> get_all(std::string_view name) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }

  std::vector<Param>::const_iterator begin() const { return params_.begin(); }
  std::vector<Param>::const_iterator end() const { return params_.end(); }
  std::size_t size() const { return params_.size(); }

 private:
  std::vector<Param> params_;
};

}  // namespace myelin::http
