#include "services/auth_support/registration_mac.hpp"

#include <gtest/gtest.h>

namespace myelin::services {
namespace {

// Expected values from Python's hmac module, computed the way Synapse's
// register_new_matrix_user does:
//   hmac.new(b"shared-secret", b"nonce-123\x00alice\x00wonderland\x00admin", sha1).hexdigest()
TEST(RegistrationMac, MatchesSynapsesToolForAnAdmin) {
  EXPECT_EQ(
      registration_mac("shared-secret", "nonce-123", "alice", "wonderland", true, std::nullopt),
      "8a2cd779595f3f71728461e603b46659bd9a756c");
}

TEST(RegistrationMac, AppendsTheUserTypeWhenGiven) {
  EXPECT_EQ(registration_mac("shared-secret", "nonce-123", "bob", "pw", false, "bot"),
            "675310c2db9ad81ebf4084cd3492afa72ca79d6d");
}

TEST(RegistrationMac, EveryFieldChangesTheMac) {
  const std::string base =
      registration_mac("shared-secret", "nonce-123", "alice", "wonderland", true, std::nullopt);
  EXPECT_NE(base, registration_mac("shared-secreT", "nonce-123", "alice", "wonderland", true,
                                   std::nullopt));
  EXPECT_NE(base, registration_mac("shared-secret", "nonce-124", "alice", "wonderland", true,
                                   std::nullopt));
  EXPECT_NE(base, registration_mac("shared-secret", "nonce-123", "alicf", "wonderland", true,
                                   std::nullopt));
  EXPECT_NE(base, registration_mac("shared-secret", "nonce-123", "alice", "wonderland", false,
                                   std::nullopt));
  // The NUL separators keep "ab"+"c" apart from "a"+"bc".
  EXPECT_NE(registration_mac("k", "n", "ab", "c", false, std::nullopt),
            registration_mac("k", "n", "a", "bc", false, std::nullopt));
}

TEST(RegistrationMac, ComparesWholeMacs) {
  EXPECT_TRUE(macs_equal("abc123", "abc123"));
  EXPECT_FALSE(macs_equal("abc123", "abc124"));
  EXPECT_FALSE(macs_equal("abc123", "abc12"));
  EXPECT_FALSE(macs_equal("", "a"));
}

}  // namespace
}  // namespace myelin::services
