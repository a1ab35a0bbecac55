#include "services/auth_support/password_normalization.hpp"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/ustring.h>

#include <algorithm>
#include <cstdint>
#include <limits>

namespace myelin::services {

std::string normalize_password(std::string_view password) {
  // NFKC maps every ASCII string to itself: the common case needs no ICU at all.
  if (std::all_of(password.begin(), password.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
    return std::string(password);
  if (password.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max() / 4))
    return std::string(password);

  // A strict UTF-8 decode (preflight only): ICU's UnicodeString::fromUTF8 would quietly turn an
  // ill-formed sequence into U+FFFD, and two different byte strings into one password.
  UErrorCode status = U_ZERO_ERROR;
  std::int32_t utf16_length = 0;
  u_strFromUTF8(nullptr, 0, &utf16_length, password.data(),
                static_cast<std::int32_t>(password.size()), &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) return std::string(password);

  status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status) || nfkc == nullptr) return std::string(password);
  const icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(password.data(), static_cast<std::int32_t>(password.size())));
  const icu::UnicodeString normalized = nfkc->normalize(text, status);
  if (U_FAILURE(status)) return std::string(password);
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

}  // namespace myelin::services
