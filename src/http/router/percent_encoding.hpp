#pragma once

#include <string>
#include <string_view>

#include "base/expected.hpp"

namespace myelin::http {

// Decodes %XX escapes (RFC 3986, section 2.1). Fails on a malformed escape ("%4", "%zz") and on
// a result that is not valid UTF-8: Matrix identifiers and query values are UTF-8 text, and a
// request that cannot be decoded gets a 400 rather than a guess. In query strings (form
// encoding) '+' means a space.
enum class PlusMeans { kPlus, kSpace };
Expected<std::string> percent_decode(std::string_view text, PlusMeans plus = PlusMeans::kPlus);

bool is_valid_utf8(std::string_view text);

}  // namespace myelin::http
