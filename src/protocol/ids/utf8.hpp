#pragma once

#include <string_view>

namespace myelin::ids {

// Whether text is well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates (U+D800–U+DFFF),
// nothing above U+10FFFF. Identifier localparts may hold "any legal non-surrogate Unicode code
// points" (spec appendix "Identifier Grammar"); bytes that decode to none are not among them.
bool is_valid_utf8(std::string_view text);

// Whether text holds a C0 control (U+0000–U+001F), DEL (U+007F) or a C1 control (U+0080–U+009F,
// the two bytes C2 80–C2 9F). Expects well-formed UTF-8.
bool has_control_character(std::string_view text);

}  // namespace myelin::ids
