#include "base/base64.hpp"

#include <array>
#include <cstdint>

namespace myelin::base64 {
namespace {

constexpr std::string_view kStandard =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrlSafe =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::uint8_t kInvalid = 0xff;

constexpr std::array<std::uint8_t, 256> reverse_table(std::string_view alphabet) {
  std::array<std::uint8_t, 256> table{};
  table.fill(kInvalid);
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return table;
}

constexpr auto kStandardReverse = reverse_table(kStandard);
constexpr auto kUrlSafeReverse = reverse_table(kUrlSafe);
constexpr auto kAnyReverse = [] {
  auto table = reverse_table(kStandard);
  table['-'] = 62;
  table['_'] = 63;
  return table;
}();

std::string encode_with(std::string_view bytes, std::string_view alphabet) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  auto byte = [&](std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t n = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += alphabet[n >> 18 & 63];
    out += alphabet[n >> 12 & 63];
    out += alphabet[n >> 6 & 63];
    out += alphabet[n & 63];
  }
  std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    std::uint32_t n = byte(i) << 16;
    out += alphabet[n >> 18 & 63];
    out += alphabet[n >> 12 & 63];
  } else if (rest == 2) {
    std::uint32_t n = byte(i) << 16 | byte(i + 1) << 8;
    out += alphabet[n >> 18 & 63];
    out += alphabet[n >> 12 & 63];
    out += alphabet[n >> 6 & 63];
  }
  return out;
}

std::optional<std::string> decode_with(std::string_view text,
                                       const std::array<std::uint8_t, 256>& reverse) {
  // Strip up to two '=' of padding; a padded input must then be a whole number of quanta.
  std::size_t padding = 0;
  while (!text.empty() && text.back() == '=' && padding < 2) {
    text.remove_suffix(1);
    ++padding;
  }
  if (padding > 0 && (text.size() + padding) % 4 != 0) return std::nullopt;
  if (text.size() % 4 == 1) return std::nullopt;

  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t accumulator = 0;
  int bits = 0;
  for (char c : text) {
    std::uint8_t v = reverse[static_cast<unsigned char>(c)];
    if (v == kInvalid) return std::nullopt;
    accumulator = (accumulator << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((accumulator >> bits) & 0xff);
    }
  }
  return out;
}

}  // namespace

std::string encode(std::string_view bytes) { return encode_with(bytes, kStandard); }
std::string encode_url(std::string_view bytes) { return encode_with(bytes, kUrlSafe); }
std::optional<std::string> decode(std::string_view text) {
  return decode_with(text, kStandardReverse);
}
std::optional<std::string> decode_url(std::string_view text) {
  return decode_with(text, kUrlSafeReverse);
}
std::optional<std::string> decode_any(std::string_view text) {
  return decode_with(text, kAnyReverse);
}

}  // namespace myelin::base64
