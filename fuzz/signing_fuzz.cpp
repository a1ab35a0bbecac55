// Fuzzes JSON signing on arbitrary objects: verify_json must not crash on whatever "signatures"
// holds, and an object we sign must verify — also after travelling as canonical JSON — while a
// change to any signed member must make it fail.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/crypto/json_signing.hpp"
#include "protocol/crypto/signing_key.hpp"
#include "protocol/json/canonical.hpp"
#include "protocol/json/parse.hpp"

namespace {

[[noreturn]] void die(const char* what, const boost::json::object& object) {
  std::fprintf(stderr, "%s: %s\n", what, myelin::json::encode_canonical(object).c_str());
  std::abort();
}

const myelin::crypto::SigningKey& fixed_key() {
  static const auto kKey =
      myelin::crypto::SigningKey::from_seed(std::string(myelin::crypto::kSeedBytes, '\x07'), "f");
  return *kKey;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace myelin;
  auto object = json::parse_object(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!object) return 0;
  const crypto::SigningKey& key = fixed_key();
  (void)crypto::verify_json(*object, "fuzz.example", key.key_id(), key.public_key());

  crypto::sign_json(*object, "fuzz.example", key);
  if (!crypto::verify_json(*object, "fuzz.example", key.key_id(), key.public_key())) {
    die("freshly signed object does not verify", *object);
  }
  auto again = json::parse_object(json::encode_canonical(*object));
  if (!again || !crypto::verify_json(*again, "fuzz.example", key.key_id(), key.public_key())) {
    die("signed object does not verify after a canonical round trip", *object);
  }
  // Toggle a member so the signed content changes whatever the input held.
  if (!again->erase("fuzz_toggled_member")) (*again)["fuzz_toggled_member"] = 1;
  if (crypto::verify_json(*again, "fuzz.example", key.key_id(), key.public_key())) {
    die("signature still verifies after a member changed", *again);
  }
  return 0;
}
