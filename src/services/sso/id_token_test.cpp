#include "services/sso/id_token.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <sstream>

#include "base/base64.hpp"
#include "services/sso/jws.hpp"

namespace myelin::services::jose {
namespace {

namespace bj = boost::json;

// tests/vectors/jose/id_tokens.json: keys and tokens made by Node's crypto
// (generate_id_tokens.js), each case with the outcome expected.
bj::object vectors() {
  std::ifstream in(std::string(MYELIN_SOURCE_DIR) + "/tests/vectors/jose/id_tokens.json");
  std::stringstream text;
  text << in.rdbuf();
  return bj::parse(text.str()).as_object();
}

IdTokenExpectations expectations(const bj::object& v) {
  const bj::object& e = v.at("expectations").as_object();
  return {.issuer = std::string(e.at("issuer").as_string()),
          .client_id = std::string(e.at("client_id").as_string()),
          .nonce = std::string(e.at("nonce").as_string()),
          .now_s = e.at("now_s").as_int64(),
          .leeway_s = e.at("leeway_s").as_int64()};
}

TEST(Jwks, LoadsRsaAndEcKeysAndSkipsOthers) {
  std::vector<Jwk> keys = parse_jwks(vectors().at("jwks"));
  ASSERT_EQ(keys.size(), 2u);  // the oct (HMAC) key is not a public signing key
  EXPECT_EQ(keys[0].kty, "RSA");
  EXPECT_EQ(keys[0].kid, "rsa-1");
  EXPECT_EQ(keys[1].kty, "EC");
  EXPECT_EQ(keys[1].kid, "ec-1");
}

TEST(Jwks, RefusesMalformedKeys) {
  bj::object ec = vectors().at("jwks").at("keys").at(1).as_object();
  EXPECT_TRUE(parse_jwk(ec));
  bj::object off_curve = ec;
  std::string y = *base64::decode_url(ec.at("y").as_string());
  y[31] ^= 1;
  off_curve["y"] = base64::encode_url(y);
  EXPECT_FALSE(parse_jwk(off_curve));
  bj::object other_curve = ec;
  other_curve["crv"] = "P-384";
  EXPECT_FALSE(parse_jwk(other_curve));
  bj::object encryption = ec;
  encryption["use"] = "enc";
  EXPECT_FALSE(parse_jwk(encryption));

  bj::object rsa = vectors().at("jwks").at("keys").at(0).as_object();
  bj::object short_rsa = rsa;
  short_rsa["n"] = base64::encode_url(std::string(128, '\x7f'));
  EXPECT_FALSE(parse_jwk(short_rsa));
  bj::object no_exponent = rsa;
  no_exponent.erase("e");
  EXPECT_FALSE(parse_jwk(no_exponent));
  EXPECT_TRUE(parse_jwks(bj::parse("{\"keys\": 5}")).empty());
  EXPECT_TRUE(parse_jwks(bj::parse("[]")).empty());
}

TEST(IdToken, EveryVectorHasItsOutcome) {
  const bj::object v = vectors();
  const std::vector<Jwk> keys = parse_jwks(v.at("jwks"));
  const IdTokenExpectations expected = expectations(v);
  for (const bj::value& entry : v.at("cases").as_array()) {
    const std::string name(entry.at("name").as_string());
    const std::string token(entry.at("token").as_string());
    const std::string expect(entry.at("expect").as_string());
    SCOPED_TRACE(name);
    if (expect == "valid") {
      bj::object claims = validate_id_token(token, keys, expected);
      EXPECT_EQ(claims.at("sub").as_string(), "alice-sub");
      EXPECT_EQ(claims.at("preferred_username").as_string(), "Alice");
      continue;
    }
    try {
      (void)validate_id_token(token, keys, expected);
      ADD_FAILURE() << "accepted";
    } catch (const UnknownKeyError& e) {
      EXPECT_EQ(expect, "unknown key") << e.what();
    } catch (const IdTokenError& e) {
      EXPECT_NE(std::string(e.what()).find(expect), std::string::npos) << e.what();
    }
  }
}

TEST(IdToken, KeysFromAnotherSetDoNotVerify) {
  const bj::object v = vectors();
  std::vector<Jwk> keys = parse_jwks(v.at("jwks"));
  const std::string rs256(v.at("cases").at(0).at("token").as_string());
  const std::string es256(v.at("cases").at(1).at("token").as_string());
  std::vector<Jwk> only_ec = {keys[1]};
  EXPECT_THROW((void)validate_id_token(rs256, only_ec, expectations(v)), UnknownKeyError);
  // An RSA key relabelled as the EC key's kid still cannot verify an ES256 signature.
  Jwk impostor = keys[0];
  impostor.kid = "ec-1";
  impostor.alg.clear();
  std::vector<Jwk> wrong = {impostor};
  EXPECT_THROW((void)validate_id_token(es256, wrong, expectations(v)), UnknownKeyError);
  impostor.kty = "EC";
  wrong = {impostor};
  EXPECT_THROW((void)validate_id_token(es256, wrong, expectations(v)), IdTokenError);
}

TEST(IdTokenClaims, AudienceAndTimes) {
  IdTokenExpectations expected{
      .issuer = "https://i", .client_id = "c", .nonce = "n", .now_s = 1000, .leeway_s = 60};
  auto claims = [](const char* json) { return bj::parse(json).as_object(); };
  EXPECT_NO_THROW(check_id_token_claims(
      claims(R"({"iss":"https://i","sub":"s","aud":"c","exp":2000,"iat":900,"nonce":"n"})"),
      expected));
  EXPECT_NO_THROW(check_id_token_claims(
      claims(R"({"iss":"https://i","sub":"s","aud":["c"],"exp":2000.5,"iat":900,"nonce":"n"})"),
      expected));
  EXPECT_THROW(
      check_id_token_claims(
          claims(R"({"iss":"https://i","sub":"s","aud":"c","iat":900,"nonce":"n"})"), expected),
      IdTokenError);
  EXPECT_THROW(
      check_id_token_claims(
          claims(R"({"iss":"https://i","aud":"c","exp":2000,"iat":900,"nonce":"n"})"), expected),
      IdTokenError);
  EXPECT_THROW(check_id_token_claims(claims(R"({"iss":"https://i","sub":"s","aud":"c",)"
                                            R"("exp":"2000","iat":900,"nonce":"n"})"),
                                     expected),
               IdTokenError);
  EXPECT_THROW(check_id_token_claims(claims(R"({"iss":"https://i","sub":"s","aud":["c","d"],)"
                                            R"("azp":"d","exp":2000,"iat":900,"nonce":"n"})"),
                                     expected),
               IdTokenError);
}

TEST(CompactJws, RejectsMalformedTokens) {
  EXPECT_FALSE(parse_compact_jws(""));
  EXPECT_FALSE(parse_compact_jws("a.b"));
  EXPECT_FALSE(parse_compact_jws("a.b.c.d"));
  EXPECT_FALSE(parse_compact_jws("!!.e30.AA"));
  const std::string header = base64::encode_url(R"({"alg":"RS256"})");
  const std::string payload = base64::encode_url(R"({"sub":"x"})");
  EXPECT_TRUE(parse_compact_jws(header + "." + payload + ".AAAA"));
  EXPECT_FALSE(parse_compact_jws(header + "." + base64::encode_url("[1]") + ".AAAA"));
  EXPECT_FALSE(parse_compact_jws(base64::encode_url(R"({"alg":5})") + "." + payload + ".AAAA"));
}

}  // namespace
}  // namespace myelin::services::jose
