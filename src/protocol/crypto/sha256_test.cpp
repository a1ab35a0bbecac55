#include "protocol/crypto/sha256.hpp"

#include <gtest/gtest.h>

#include "base/base64.hpp"
#include "protocol/crypto/json_signing.hpp"
#include "protocol/json/parse.hpp"

namespace myelin::crypto {
namespace {

std::string hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

// FIPS 180-2 appendix B.1 ("abc") and the digest of the empty message.
TEST(Sha256, StandardVectors) {
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256("abc").size(), 32u);
}

// Spec appendix "Cryptographic Test Vectors", "Event Signing": the minimal event's content hash is
// the SHA-256 of its canonical JSON without signatures, unsigned and hashes (here empty).
TEST(Sha256, SpecMinimalEventContentHash) {
  auto event = json::parse_object(R"({
    "room_id": "!x:domain",
    "sender": "@a:domain",
    "origin": "domain",
    "origin_server_ts": 1000000,
    "signatures": {},
    "hashes": {},
    "type": "X",
    "content": {},
    "prev_events": [],
    "auth_events": [],
    "depth": 3,
    "unsigned": {
        "age_ts": 1000000
    }
})");
  ASSERT_TRUE(event) << event.error();
  event->erase("hashes");
  EXPECT_EQ(base64::encode(sha256(signable_json(*event))),
            "5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos");
}

}  // namespace
}  // namespace myelin::crypto
