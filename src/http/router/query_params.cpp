#include "http/router/query_params.hpp"

#include "http/router/percent_encoding.hpp"

namespace myelin::http {

Expected<QueryParams> QueryParams::parse(std::string_view query) {
  QueryParams result;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;  // "a=1&&b=2"
    std::size_t eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq), PlusMeans::kSpace);
    if (!name) return fail("query parameter name: " + name.error());
    std::string value;
    if (eq != std::string_view::npos) {
      auto decoded = percent_decode(pair.substr(eq + 1), PlusMeans::kSpace);
      if (!decoded) return fail("query parameter " + *name + ": " + decoded.error());
      value = std::move(*decoded);
    }
    result.add(std::move(*name), std::move(value));
  }
  return result;
}

void QueryParams::add(std::string name, std::string value) {
  params_.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string_view> QueryParams::get(std::string_view name) const {
  for (const auto& [n, v] : params_) {
    if (n == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::vector<std::string_view> QueryParams::get_all(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const auto& [n, v] : params_) {
    if (n == name) values.emplace_back(v);
  }
  return values;
}

}  // namespace myelin::http
