#include "services/common/random_token.hpp"

#include <sodium.h>

#include <chrono>
#include <string_view>

#include "services/common/service_context.hpp"

namespace myelin::services {
namespace {

std::string draw(std::string_view alphabet, std::size_t length) {
  std::string out(length, '\0');
  for (char& c : out)
    c = alphabet[randombytes_uniform(static_cast<std::uint32_t>(alphabet.size()))];
  return out;
}

}  // namespace

std::string random_token(std::size_t length) {
  return draw("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", length);
}

std::string random_device_id() { return draw("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 10); }

std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace myelin::services
