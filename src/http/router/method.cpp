#include "http/router/method.hpp"

#include <array>
#include <utility>

namespace myelin::http {

namespace {

constexpr std::array<std::pair<Method, std::string_view>, 7> kNames{{
    {Method::kGet, "GET"},
    {Method::kHead, "HEAD"},
    {Method::kPost, "POST"},
    {Method::kPut, "PUT"},
    {Method::kDelete, "DELETE"},
    {Method::kPatch, "PATCH"},
    {Method::kOptions, "OPTIONS"},
}};

}  // namespace

std::string_view method_name(Method method) {
  for (const auto& [m, name] : kNames) {
    if (m == method) return name;
  }
  return "OTHER";
}

Method parse_method(std::string_view name) {
  for (const auto& [m, n] : kNames) {
    if (n == name) return m;
  }
  return Method::kOther;
}

}  // namespace myelin::http
