#include "services/auth_support/password_hasher.hpp"

#include <gtest/gtest.h>

#include <string>

namespace myelin::services {
namespace {

TEST(PasswordHasher, RoundTripsAndRejectsWrongPasswords) {
  const std::string hash = hash_password("correct horse battery staple");
  EXPECT_TRUE(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << hash;
  EXPECT_TRUE(verify_password("correct horse battery staple", hash));
  EXPECT_FALSE(verify_password("correct horse battery stapl", hash));
  EXPECT_FALSE(verify_password("correct horse battery staple ", hash));
  EXPECT_FALSE(verify_password("", hash));
  EXPECT_FALSE(needs_rehash(hash));
}

TEST(PasswordHasher, SaltsEveryHash) {
  const std::string a = hash_password("hunter2");
  const std::string b = hash_password("hunter2");
  EXPECT_NE(a, b);
  EXPECT_TRUE(verify_password("hunter2", a));
  EXPECT_TRUE(verify_password("hunter2", b));
}

TEST(PasswordHasher, HashesEmptyAndBinaryPasswords) {
  const std::string empty = hash_password("");
  EXPECT_TRUE(verify_password("", empty));
  EXPECT_FALSE(verify_password("x", empty));

  const std::string binary("a\0b", 3);
  const std::string hash = hash_password(binary);
  EXPECT_TRUE(verify_password(binary, hash));
  EXPECT_FALSE(verify_password("a", hash));  // the NUL does not end the password
  EXPECT_TRUE(verify_password("pässwörd", hash_password("pässwörd")));
}

TEST(PasswordHasher, TamperedArgon2HashesFail) {
  std::string hash = hash_password("hunter2");
  std::string flipped = hash;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_password("hunter2", flipped));
  EXPECT_FALSE(verify_password("hunter2", hash.substr(0, hash.size() - 1)));
  EXPECT_FALSE(verify_password("hunter2", hash + std::string(200, 'A')));
}

// Openwall crypt_blowfish reference vectors (the ones OpenBSD, passlib and jBCrypt test
// against). For ASCII passwords under 72 bytes $2a$, $2b$ and $2y$ hash identically; Synapse
// writes $2b$ with the Python bcrypt package.
TEST(PasswordHasher, VerifiesBcryptReferenceVectors) {
  EXPECT_TRUE(
      verify_password("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  EXPECT_TRUE(
      verify_password("U*U", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  EXPECT_TRUE(
      verify_password("U*U", "$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  EXPECT_TRUE(
      verify_password("U*U*", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK"));
  EXPECT_TRUE(
      verify_password("U*U*U", "$2b$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a"));
  EXPECT_TRUE(verify_password("", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy"));
  // bcrypt reads only the first 72 bytes of the password.
  EXPECT_TRUE(verify_password(
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789chars after 72 "
      "are ignored",
      "$2b$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui"));

  EXPECT_FALSE(
      verify_password("U*U*", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  EXPECT_FALSE(verify_password("", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  EXPECT_FALSE(verify_password(std::string("U*U\0x", 5),
                               "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  // One changed character of the digest.
  EXPECT_FALSE(
      verify_password("U*U", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeX"));
}

// Synapse hashed NFKC(password) + pepper; the Openwall vector for "U*U" stands in for a hash
// Synapse wrote, reached through a full-width U (U+FF35) and through a pepper.
TEST(PasswordHasher, VerifiesBcryptAsSynapseHashed) {
  constexpr std::string_view kUStarU =
      "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
  EXPECT_TRUE(verify_password("U*\xef\xbc\xb5", kUStarU));
  EXPECT_TRUE(verify_password("U*", kUStarU, "U"));
  EXPECT_TRUE(verify_password("", kUStarU, "U*U"));
  EXPECT_FALSE(verify_password("U*", kUStarU));
  EXPECT_FALSE(verify_password("U*U", kUStarU, "U"));
  // The pepper belongs to Synapse's bcrypt hashes only.
  EXPECT_TRUE(verify_password("hunter2", hash_password("hunter2"), "pepper"));
}

TEST(PasswordHasher, EquivalentUnicodeFormsAreOnePassword) {
  // "café" with a precomposed é, and with e + COMBINING ACUTE ACCENT.
  const std::string hash = hash_password("caf\xc3\xa9");
  EXPECT_TRUE(verify_password("caf\x65\xcc\x81", hash));
  EXPECT_FALSE(verify_password("cafe", hash));
  // LATIN SMALL LIGATURE FI (U+FB01) is "fi".
  EXPECT_TRUE(verify_password("fine", hash_password("\xef\xac\x81ne")));
}

TEST(PasswordHasher, RejectsOtherAndMalformedHashes) {
  EXPECT_FALSE(verify_password("", ""));
  EXPECT_FALSE(verify_password("U*U", "$2b$05$CCCCCCCCCCCCCCCCCCCCC."));  // a bare setting
  EXPECT_FALSE(
      verify_password("U*U", "$2b$99$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  // Other crypt(3) schemes are not password hashes this server ever wrote.
  EXPECT_FALSE(verify_password("password", "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/"));
  EXPECT_FALSE(verify_password("password", "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$xxxx"));
  EXPECT_FALSE(verify_password("password", "$argon2id$garbage"));
  EXPECT_FALSE(verify_password("password", "password"));
}

TEST(PasswordHasher, BcryptAndForeignHashesNeedRehash) {
  EXPECT_TRUE(needs_rehash("$2b$12$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  EXPECT_TRUE(needs_rehash(""));
  EXPECT_TRUE(needs_rehash("$argon2id$garbage"));
  // An argon2id string naming weaker limits than ours (1 pass, 8 MiB), as older settings would
  // have written; needs_rehash reads only the parameters, not the digest.
  EXPECT_TRUE(needs_rehash(
      "$argon2id$v=19$m=8192,t=1,p=1$v9HHLCwvDjIQWDN+wcZLZw$W4UAJZDR/I2TrixoPyGyj6+wdxwJ6OjrwzQdX/"
      "Su/Ec"));
}

}  // namespace
}  // namespace myelin::services
