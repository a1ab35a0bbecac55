#pragma once

#include <string_view>

namespace myelin::http {

// The request methods the APIs use; anything else is kOther (and answered 405 by the router).
enum class Method { kGet, kHead, kPost, kPut, kDelete, kPatch, kOptions, kOther };

inline constexpr int kMethodCount = 8;

std::string_view method_name(Method method);

// "GET" → kGet; methods are case-sensitive (RFC 9110, section 9.1).
Method parse_method(std::string_view name);

}  // namespace myelin::http
