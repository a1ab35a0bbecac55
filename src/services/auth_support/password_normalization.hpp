#pragma once

#include <string>
#include <string_view>

namespace myelin::services {

// The bytes a password is hashed as: its Unicode NFKC form in UTF-8, as Synapse hashes them
// (`unicodedata.normalize("NFKC", password)` before bcrypt). The same password typed where the
// keyboard composes "é" as one code point and where it sends "e" + U+0301, or with a full-width
// or ligature character, then hashes alike — and a migrated Synapse hash still verifies.
// Input that is not valid UTF-8 is returned unchanged (JSON strings always are valid).
std::string normalize_password(std::string_view password);

}  // namespace myelin::services
