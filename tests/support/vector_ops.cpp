#include "tests/support/vector_ops.hpp"

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "base/base64.hpp"
#include "protocol/crypto/json_signing.hpp"
#include "protocol/crypto/sha256.hpp"
#include "protocol/crypto/signing_key.hpp"
#include "protocol/json/access.hpp"
#include "protocol/json/canonical.hpp"

namespace myelin::testing {
namespace {

using boost::json::object;

// {"op":"canonical","value":any} -> {"canonical":"<bytes>"}
Expected<object> op_canonical(const object& request) {
  const boost::json::value* value = json::find(request, "value");
  if (!value) return fail("missing member \"value\"");
  object out;
  out["canonical"] = json::encode_canonical(*value);
  out["numbers_canonical"] = json::check_canonical_numbers(*value).has_value();
  return out;
}

// {"op":"sha256","data":"<text>"} -> {"hash":"<unpadded b64>"}
Expected<object> op_sha256(const object& request) {
  auto data = need_string(request, "data");
  if (!data) return fail(data.error());
  return object{{"hash", base64::encode(crypto::sha256(*data))}};
}

// {"op":"key","seed":"<b64>","version":"v"} -> {"public_key":"<b64>","key_id":"ed25519:v"}
Expected<object> op_key(const object& request) {
  auto key = signing_key_from_request(request);
  if (!key) return fail(key.error());
  return object{{"public_key", key->public_key_base64()}, {"key_id", key->key_id()}};
}

// {"op":"sign","seed":"<b64>","version":"v","entity":"name","value":{...}}
//   -> {"signed":{...},"signable":"<bytes signed>"}
Expected<object> op_sign(const object& request) {
  auto key = signing_key_from_request(request);
  if (!key) return fail(key.error());
  auto entity = need_string(request, "entity");
  if (!entity) return fail(entity.error());
  auto value = need_object(request, "value");
  if (!value) return fail(value.error());
  object out;
  out["signable"] = crypto::signable_json(*value);
  crypto::sign_json(*value, *entity, *key);
  out["signed"] = std::move(*value);
  return out;
}

// {"op":"verify","public_key":"<b64>","key_id":"ed25519:v","entity":"name","value":{...}}
//   -> {"valid":bool,"reason":"..."}
Expected<object> op_verify(const object& request) {
  auto public_key_b64 = need_string(request, "public_key");
  if (!public_key_b64) return fail(public_key_b64.error());
  auto key_id = need_string(request, "key_id");
  if (!key_id) return fail(key_id.error());
  auto entity = need_string(request, "entity");
  if (!entity) return fail(entity.error());
  auto value = need_object(request, "value");
  if (!value) return fail(value.error());
  auto public_key = base64::decode(*public_key_b64);
  if (!public_key) return fail("public_key is not base64");
  auto verified = crypto::verify_json(*value, *entity, *key_id, *public_key);
  object out;
  out["valid"] = verified.has_value();
  out["reason"] = verified ? std::string() : verified.error();
  return out;
}

const VectorOpTable& ops() {
  static const VectorOpTable kOps = [] {
    VectorOpTable table{
        {"canonical", op_canonical}, {"sha256", op_sha256}, {"key", op_key},
        {"sign", op_sign},           {"verify", op_verify},
    };
    add_event_ops(table);
    return table;
  }();
  return kOps;
}

}  // namespace

Expected<std::string> need_string(const object& request, std::string_view key) {
  auto s = json::find_string(request, key);
  if (!s) return fail("missing string member \"" + std::string(key) + "\"");
  return std::string(*s);
}

Expected<object> need_object(const object& request, std::string_view key) {
  const object* o = json::find_object(request, key);
  if (!o) return fail("missing object member \"" + std::string(key) + "\"");
  return *o;
}

Expected<crypto::SigningKey> signing_key_from_request(const object& request) {
  auto seed_b64 = need_string(request, "seed");
  if (!seed_b64) return fail(seed_b64.error());
  auto version = need_string(request, "version");
  if (!version) return fail(version.error());
  auto seed = base64::decode(*seed_b64);
  if (!seed) return fail("seed is not base64");
  return crypto::SigningKey::from_seed(*seed, *version);
}

Expected<object> run_vector_op(const object& request) {
  auto name = json::find_string(request, "op");
  if (!name) return fail("missing string member \"op\"");
  auto it = ops().find(*name);
  if (it == ops().end()) return fail("unknown op \"" + std::string(*name) + "\"");
  return it->second(request);
}

}  // namespace myelin::testing
