#include "protocol/crypto/signing_key.hpp"

#include <gtest/gtest.h>

#include <set>

#include "base/base64.hpp"

namespace myelin::crypto {
namespace {

// Spec appendix "Cryptographic Test Vectors", "Signing Key".
constexpr std::string_view kSpecSeed = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1";
// The seed's public key as PyNaCl derives it (signedjson.key.get_verify_key); the spec's JSON
// signing vectors in json_signing_test.cpp verify against the key derived here as well.
constexpr std::string_view kSpecPublicKey = "XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI";

SigningKey spec_key() {
  auto seed = base64::decode(kSpecSeed);
  EXPECT_TRUE(seed.has_value());
  auto key = SigningKey::from_seed(seed.value_or(""), "1");
  EXPECT_TRUE(key) << (key ? "" : key.error());
  return std::move(key).value();
}

TEST(SigningKey, SpecSeedGivesKnownPublicKey) {
  SigningKey key = spec_key();
  EXPECT_EQ(key.public_key_base64(), kSpecPublicKey);
  EXPECT_EQ(key.public_key().size(), 32u);
  EXPECT_EQ(base64::encode(key.public_key()), kSpecPublicKey);
  EXPECT_EQ(key.version(), "1");
  EXPECT_EQ(key.key_id(), "ed25519:1");
  // The seed round-trips in canonical unpadded form.
  EXPECT_EQ(base64::decode(key.seed_base64()), base64::decode(kSpecSeed));
}

TEST(SigningKey, SignaturesVerifyAndAreDeterministic) {
  SigningKey key = spec_key();
  std::string signature = key.sign("hello");
  EXPECT_EQ(signature.size(), 64u);
  EXPECT_EQ(key.sign("hello"), signature);  // ed25519 is deterministic
  EXPECT_TRUE(verify_ed25519(key.public_key(), "hello", signature));
}

TEST(SigningKey, TamperingIsDetected) {
  SigningKey key = spec_key();
  std::string signature = key.sign("hello");
  EXPECT_FALSE(verify_ed25519(key.public_key(), "hellp", signature));
  for (std::size_t i : {0u, 31u, 63u}) {
    std::string changed = signature;
    changed[i] = static_cast<char>(changed[i] ^ 0x01);
    EXPECT_FALSE(verify_ed25519(key.public_key(), "hello", changed)) << "byte " << i;
  }
  SigningKey other = SigningKey::generate("other");
  EXPECT_FALSE(verify_ed25519(other.public_key(), "hello", signature));
}

TEST(SigningKey, WrongSizesDoNotVerify) {
  SigningKey key = spec_key();
  std::string signature = key.sign("hello");
  EXPECT_FALSE(verify_ed25519(key.public_key().substr(0, 31), "hello", signature));
  EXPECT_FALSE(verify_ed25519(key.public_key() + "x", "hello", signature));
  EXPECT_FALSE(verify_ed25519(key.public_key(), "hello", signature.substr(0, 63)));
  EXPECT_FALSE(verify_ed25519(key.public_key(), "hello", signature + "x"));
  EXPECT_FALSE(verify_ed25519("", "hello", ""));
}

TEST(SigningKey, FromSeedRejectsBadInput) {
  std::string seed(32, '\x07');
  EXPECT_TRUE(SigningKey::from_seed(seed, "a_Abc9"));
  auto short_seed = SigningKey::from_seed(seed.substr(1), "a_Abc9");
  ASSERT_FALSE(short_seed);
  EXPECT_NE(short_seed.error().find("31 bytes"), std::string::npos) << short_seed.error();
  EXPECT_FALSE(SigningKey::from_seed(seed + "x", "a_Abc9"));
  EXPECT_FALSE(SigningKey::from_seed(seed, ""));
  EXPECT_FALSE(SigningKey::from_seed(seed, "a-b"));
  EXPECT_FALSE(SigningKey::from_seed(seed, "a:b"));
  EXPECT_FALSE(SigningKey::from_seed(seed, "a b"));
}

TEST(SigningKey, GeneratedKeysHaveSynapseShapedVersions) {
  std::set<std::string> seeds;
  for (int i = 0; i < 20; ++i) {
    SigningKey key = SigningKey::generate();
    ASSERT_EQ(key.version().size(), 6u) << key.version();
    EXPECT_EQ(key.version().substr(0, 2), "a_");
    EXPECT_TRUE(is_valid_key_version(key.version())) << key.version();
    EXPECT_EQ(key.key_id(), "ed25519:" + key.version());
    EXPECT_TRUE(verify_ed25519(key.public_key(), "m", key.sign("m")));
    seeds.insert(key.seed_base64());
  }
  EXPECT_EQ(seeds.size(), 20u);  // random seeds do not repeat
}

TEST(SigningKey, GenerateWithVersionAndRebuildFromSeed) {
  SigningKey key = SigningKey::generate("auto");
  EXPECT_EQ(key.key_id(), "ed25519:auto");
  auto rebuilt = SigningKey::from_seed(base64::decode(key.seed_base64()).value(), "auto");
  ASSERT_TRUE(rebuilt);
  EXPECT_EQ(rebuilt->public_key(), key.public_key());
  EXPECT_EQ(rebuilt->sign("x"), key.sign("x"));
}

TEST(SigningKey, CopiesAndMovesKeepWorking) {
  SigningKey key = spec_key();
  SigningKey copy = key;
  SigningKey moved = std::move(copy);
  EXPECT_EQ(moved.public_key_base64(), kSpecPublicKey);
  EXPECT_TRUE(verify_ed25519(key.public_key(), "m", moved.sign("m")));
}

TEST(KeyVersion, Alphabet) {
  EXPECT_TRUE(is_valid_key_version("a_XXXX"));
  EXPECT_TRUE(is_valid_key_version("1"));
  EXPECT_TRUE(is_valid_key_version("policy_server"));
  EXPECT_FALSE(is_valid_key_version(""));
  EXPECT_FALSE(is_valid_key_version("a.b"));
  EXPECT_FALSE(is_valid_key_version("ä"));
}

}  // namespace
}  // namespace myelin::crypto
