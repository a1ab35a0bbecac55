#include "services/federation/check/check_documents.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "protocol/crypto/json_signing.hpp"

namespace myelin::services::federation_check {
namespace {

namespace json = boost::json;

constexpr std::int64_t kNow = 1'700'000'000'000;

TEST(ParseWellKnown, AcceptsHostAndHostWithPort) {
  auto plain = parse_well_known(R"({"m.server": "matrix.example.org"})");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->host(), "matrix.example.org");
  EXPECT_FALSE(plain->port());
  auto with_port = parse_well_known(R"({"m.server": "matrix.example.org:443", "x": 1})");
  ASSERT_TRUE(with_port);
  EXPECT_EQ(with_port->port(), 443);
}

TEST(ParseWellKnown, SaysWhyABodyIsUnusable) {
  EXPECT_EQ(parse_well_known("<html>").error(), "the body is not JSON");
  EXPECT_EQ(parse_well_known("[1]").error(), "the body is not a JSON object");
  EXPECT_EQ(parse_well_known("{}").error(), "there is no \"m.server\"");
  EXPECT_EQ(parse_well_known(R"({"m.server": 8448})").error(), "\"m.server\" is not a string");
  auto bad = parse_well_known(R"({"m.server": "https://matrix.example.org"})");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("is not a server name"), std::string::npos) << bad.error();
}

std::string key_document(const std::string& name, std::int64_t valid_until,
                         const crypto::SigningKey& key, const std::string& signer) {
  json::object document{
      {"server_name", name},
      {"valid_until_ts", valid_until},
      {"old_verify_keys", json::object{}},
      {"verify_keys",
       json::object{{key.key_id(), json::object{{"key", key.public_key_base64()}}}}}};
  crypto::sign_json(document, signer, key);
  return json::serialize(document);
}

TEST(CheckKeyDocument, AcceptsASelfSignedCurrentDocument) {
  auto key = crypto::SigningKey::generate();
  KeyDocumentCheck check = check_key_document(
      key_document("a.example", kNow + 3'600'000, key, "a.example"), "a.example", kNow);
  EXPECT_TRUE(check.problems.empty()) << check.problems.front();
  EXPECT_EQ(check.server_name, "a.example");
  EXPECT_EQ(check.key_ids, std::vector<std::string>{key.key_id()});
}

TEST(CheckKeyDocument, FlagsAnotherServerName) {
  auto key = crypto::SigningKey::generate();
  KeyDocumentCheck check = check_key_document(
      key_document("b.example", kNow + 3'600'000, key, "b.example"), "a.example", kNow);
  EXPECT_TRUE(check.server_name_wrong);
  EXPECT_EQ(check.server_name, "b.example");
  // Signed as b.example, so there is no signature by a.example either.
  EXPECT_GE(check.problems.size(), 2u);
}

TEST(CheckKeyDocument, FlagsAnExpiredDocument) {
  auto key = crypto::SigningKey::generate();
  KeyDocumentCheck check =
      check_key_document(key_document("a.example", kNow - 1, key, "a.example"), "a.example", kNow);
  EXPECT_TRUE(check.expired);
  EXPECT_FALSE(check.server_name_wrong);
  ASSERT_EQ(check.problems.size(), 1u);
}

TEST(CheckKeyDocument, FlagsASignatureByAnotherKey) {
  auto listed = crypto::SigningKey::generate("a_1");
  auto signer = crypto::SigningKey::generate("a_1");  // same key ID, other key
  json::object document{
      {"server_name", "a.example"},
      {"valid_until_ts", kNow + 1000},
      {"verify_keys",
       json::object{{listed.key_id(), json::object{{"key", listed.public_key_base64()}}}}}};
  crypto::sign_json(document, "a.example", signer);
  KeyDocumentCheck check = check_key_document(json::serialize(document), "a.example", kNow);
  ASSERT_EQ(check.problems.size(), 1u);
  EXPECT_NE(check.problems[0].find("does not verify"), std::string::npos);
}

TEST(CheckKeyDocument, FlagsGarbage) {
  EXPECT_FALSE(check_key_document("not json", "a.example", kNow).problems.empty());
  EXPECT_FALSE(
      check_key_document(R"({"server_name":"a.example","valid_until_ts":1e20})", "a.example", kNow)
          .problems.empty());
}

}  // namespace
}  // namespace myelin::services::federation_check
