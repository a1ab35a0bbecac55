#include "services/sso/jwk.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "base/base64.hpp"

namespace myelin::services::jose {

namespace bj = boost::json;

namespace {

struct ParamBuildDeleter {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamDeleter {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct BignumDeleter {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct ContextDeleter {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};

std::optional<std::string> member_bytes(const bj::object& jwk, const char* name) {
  const bj::value* value = jwk.if_contains(name);
  if (!value || !value->is_string()) return std::nullopt;
  std::optional<std::string> bytes = base64::decode_url(value->get_string());
  if (!bytes || bytes->empty()) return std::nullopt;
  return bytes;
}

std::string member_string(const bj::object& jwk, const char* name) {
  const bj::value* value = jwk.if_contains(name);
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

std::unique_ptr<BIGNUM, BignumDeleter> bignum(const std::string& bytes) {
  return std::unique_ptr<BIGNUM, BignumDeleter>(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                static_cast<int>(bytes.size()), nullptr));
}

std::shared_ptr<EVP_PKEY> from_params(const char* type, OSSL_PARAM_BLD* builder) {
  std::unique_ptr<OSSL_PARAM, ParamDeleter> params(OSSL_PARAM_BLD_to_param(builder));
  if (!params) return nullptr;
  std::unique_ptr<EVP_PKEY_CTX, ContextDeleter> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    return nullptr;
  }
  return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

std::shared_ptr<EVP_PKEY> rsa_key(const bj::object& jwk) {
  auto n = member_bytes(jwk, "n");
  auto e = member_bytes(jwk, "e");
  if (!n || !e) return nullptr;
  // 2048 bits at least: shorter RSA keys are breakable (NIST SP 800-131A).
  std::size_t leading_zeros = 0;
  while (leading_zeros < n->size() && (*n)[leading_zeros] == 0) ++leading_zeros;
  if (n->size() - leading_zeros < 256) return nullptr;
  auto modulus = bignum(*n);
  auto exponent = bignum(*e);
  std::unique_ptr<OSSL_PARAM_BLD, ParamBuildDeleter> builder(OSSL_PARAM_BLD_new());
  if (!modulus || !exponent || !builder ||
      !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) ||
      !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get())) {
    return nullptr;
  }
  return from_params("RSA", builder.get());
}

std::shared_ptr<EVP_PKEY> ec_p256_key(const bj::object& jwk) {
  if (member_string(jwk, "crv") != "P-256") return nullptr;
  auto x = member_bytes(jwk, "x");
  auto y = member_bytes(jwk, "y");
  // Coordinates are exactly 32 bytes on P-256 (RFC 7518, section 6.2.1.2).
  if (!x || !y || x->size() != 32 || y->size() != 32) return nullptr;
  std::string point = "\x04" + *x + *y;  // uncompressed SEC 1 point
  std::unique_ptr<OSSL_PARAM_BLD, ParamBuildDeleter> builder(OSSL_PARAM_BLD_new());
  static const char kGroup[] = "prime256v1";
  if (!builder ||
      !OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, kGroup, 0) ||
      !OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                        point.size())) {
    return nullptr;
  }
  // EVP_PKEY_fromdata checks that the point lies on the curve.
  return from_params("EC", builder.get());
}

}  // namespace

std::optional<Jwk> parse_jwk(const bj::object& jwk) {
  Jwk out;
  out.kty = member_string(jwk, "kty");
  out.kid = member_string(jwk, "kid");
  out.alg = member_string(jwk, "alg");
  const std::string use = member_string(jwk, "use");
  if (!use.empty() && use != "sig") return std::nullopt;
  if (out.kty == "RSA") {
    out.key = rsa_key(jwk);
  } else if (out.kty == "EC") {
    out.key = ec_p256_key(jwk);
  }
  if (!out.key) return std::nullopt;
  return out;
}

std::vector<Jwk> parse_jwks(const bj::value& document) {
  std::vector<Jwk> keys;
  if (!document.is_object()) return keys;
  const bj::value* list = document.get_object().if_contains("keys");
  if (!list || !list->is_array()) return keys;
  for (const bj::value& entry : list->get_array()) {
    if (!entry.is_object()) continue;
    if (auto key = parse_jwk(entry.get_object())) keys.push_back(std::move(*key));
  }
  return keys;
}

}  // namespace myelin::services::jose
