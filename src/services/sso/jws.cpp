#include "services/sso/jws.hpp"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include <boost/json/parse.hpp>
#include <memory>

#include "base/base64.hpp"

namespace myelin::services::jose {

namespace bj = boost::json;

namespace {

std::optional<bj::object> decode_object(std::string_view part) {
  std::optional<std::string> bytes = base64::decode_url(part);
  if (!bytes) return std::nullopt;
  boost::system::error_code ec;
  bj::value value = bj::parse(*bytes, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.get_object());
}

const char* key_type_of(const std::string& alg) {
  if (alg == "RS256") return "RSA";
  if (alg == "ES256") return "EC";
  return nullptr;
}

// JWS carries ECDSA signatures as r||s (RFC 7518, section 3.4); OpenSSL wants DER.
std::optional<std::string> ecdsa_raw_to_der(const std::string& raw) {
  if (raw.size() != 64) return std::nullopt;
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), ECDSA_SIG_free);
  BIGNUM* r = BN_bin2bn(bytes, 32, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + 32, 32, nullptr);
  if (!sig || !r || !s || !ECDSA_SIG_set0(sig.get(), r, s)) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(sig.get(), &der);
  if (length <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

bool digest_verify(EVP_PKEY* key, const std::string& input, const std::string& signature) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                          input.size()) == 1;
}

}  // namespace

std::optional<CompactJws> parse_compact_jws(std::string_view token) {
  const std::size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  CompactJws jws;
  auto header = decode_object(token.substr(0, first));
  auto payload = decode_object(token.substr(first + 1, second - first - 1));
  auto signature = base64::decode_url(token.substr(second + 1));
  if (!header || !payload || !signature) return std::nullopt;
  const bj::value* alg = header->if_contains("alg");
  if (!alg || !alg->is_string()) return std::nullopt;
  jws.alg = std::string(alg->get_string());
  if (const bj::value* kid = header->if_contains("kid"); kid && kid->is_string()) {
    jws.kid = std::string(kid->get_string());
  }
  jws.header = std::move(*header);
  jws.payload = std::move(*payload);
  jws.signing_input = std::string(token.substr(0, second));
  jws.signature = std::move(*signature);
  return jws;
}

bool verify_signature(const CompactJws& jws, const Jwk& key) {
  const char* type = key_type_of(jws.alg);
  if (!type || key.kty != type || !key.key) return false;
  if (!key.alg.empty() && key.alg != jws.alg) return false;
  if (jws.alg == "RS256") {
    if (EVP_PKEY_get_base_id(key.key.get()) != EVP_PKEY_RSA) return false;
    return digest_verify(key.key.get(), jws.signing_input, jws.signature);
  }
  if (EVP_PKEY_get_base_id(key.key.get()) != EVP_PKEY_EC) return false;
  std::optional<std::string> der = ecdsa_raw_to_der(jws.signature);
  return der && digest_verify(key.key.get(), jws.signing_input, *der);
}

std::vector<const Jwk*> candidate_keys(const CompactJws& jws, const std::vector<Jwk>& keys) {
  std::vector<const Jwk*> out;
  const char* type = key_type_of(jws.alg);
  if (!type) return out;
  for (const Jwk& key : keys) {
    if (key.kty != type) continue;
    if (!jws.kid.empty() && key.kid != jws.kid) continue;
    out.push_back(&key);
  }
  return out;
}

}  // namespace myelin::services::jose
