#include "services/sso/claim_template.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cctype>

namespace myelin::services::sso {

namespace bj = boost::json;

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

std::string lookup(std::string_view path, const bj::object& claims) {
  if (path.rfind("user.", 0) != 0) return "";
  path.remove_prefix(5);
  const bj::value* current = nullptr;
  const bj::object* scope = &claims;
  while (true) {
    const std::size_t dot = path.find('.');
    const std::string_view name = path.substr(0, dot);
    current = scope->if_contains(name);
    if (!current) return "";
    if (dot == std::string_view::npos) break;
    if (!current->is_object()) return "";
    scope = &current->get_object();
    path.remove_prefix(dot + 1);
  }
  if (current->is_string()) return std::string(current->get_string());
  if (current->is_null()) return "";
  return bj::serialize(*current);
}

std::string apply_filter(std::string_view filter, std::string value) {
  if (filter == "lower") {
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  } else if (filter == "upper") {
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  } else if (filter == "trim") {
    value = std::string(trim(value));
  } else if (filter == "localpart_from_email") {
    value = value.substr(0, value.find('@'));
  }
  return value;
}

std::string evaluate(std::string_view expression, const bj::object& claims) {
  std::size_t bar = expression.find('|');
  std::string value = lookup(trim(expression.substr(0, bar)), claims);
  while (bar != std::string_view::npos) {
    expression.remove_prefix(bar + 1);
    bar = expression.find('|');
    value = apply_filter(trim(expression.substr(0, bar)), std::move(value));
  }
  return value;
}

}  // namespace

std::string render_claim_template(std::string_view text, const bj::object& claims) {
  std::string out;
  while (!text.empty()) {
    const std::size_t open = text.find("{{");
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out += text.substr(0, open);
    out += evaluate(text.substr(open + 2, close - open - 2), claims);
    text.remove_prefix(close + 2);
  }
  out += text;
  return out;
}

}  // namespace myelin::services::sso
