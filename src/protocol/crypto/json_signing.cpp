#include "protocol/crypto/json_signing.hpp"

#include <algorithm>
#include <boost/json/value.hpp>
#include <vector>

#include "base/base64.hpp"
#include "protocol/json/canonical.hpp"

namespace myelin::crypto {
namespace {

namespace bj = boost::json;

constexpr std::string_view kSignatures = "signatures";
constexpr std::string_view kUnsigned = "unsigned";

std::string_view view(bj::string_view s) { return {s.data(), s.size()}; }

bj::object& ensure_object(bj::object& parent, std::string_view key) {
  bj::value& slot = parent[bj::string_view(key.data(), key.size())];
  if (!slot.is_object()) slot = bj::object(parent.storage());
  return slot.get_object();
}

}  // namespace

void append_signable_json(std::string& out, const bj::object& object) {
  json::append_canonical_without(out, object, {kSignatures, kUnsigned});
}

std::string signable_json(const bj::object& object) {
  std::string out;
  append_signable_json(out, object);
  return out;
}

void sign_json(bj::object& object, std::string_view entity, const SigningKey& key) {
  std::string signature = base64::encode(key.sign(signable_json(object)));
  bj::object& by_entity = ensure_object(ensure_object(object, kSignatures), entity);
  by_entity[key.key_id()] = signature;
}

Expected<Ok> verify_json(const bj::object& object, std::string_view entity, std::string_view key_id,
                         std::string_view public_key_raw) {
  const bj::value* signatures = object.if_contains(kSignatures);
  if (!signatures || !signatures->is_object()) return fail("object has no signatures");
  const bj::value* by_entity = signatures->get_object().if_contains(entity);
  if (!by_entity || !by_entity->is_object()) {
    return fail("no signatures from " + std::string(entity));
  }
  const bj::value* encoded = by_entity->get_object().if_contains(key_id);
  if (!encoded) {
    return fail("no signature from " + std::string(entity) + " with key " + std::string(key_id));
  }
  // Step 2 of "Checking for a Signature": only ed25519 is understood.
  if (!key_id.starts_with(kEd25519) || key_id.size() <= kEd25519.size() ||
      key_id[kEd25519.size()] != ':') {
    return fail("unsupported signing algorithm in key " + std::string(key_id));
  }
  if (!encoded->is_string()) {
    return fail("signature from " + std::string(entity) + " with key " + std::string(key_id) +
                " is not a string");
  }
  // Either alphabet, as Synapse's decoder accepts.
  std::optional<std::string> signature = base64::decode_any(view(encoded->get_string()));
  if (!signature) {
    return fail("signature from " + std::string(entity) + " with key " + std::string(key_id) +
                " is not valid base64");
  }
  if (signature->size() != kSignatureBytes) {
    return fail("signature from " + std::string(entity) + " with key " + std::string(key_id) +
                " is " + std::to_string(signature->size()) + " bytes, expected " +
                std::to_string(kSignatureBytes));
  }
  if (public_key_raw.size() != kPublicKeyBytes) {
    return fail("public key for " + std::string(key_id) + " is " +
                std::to_string(public_key_raw.size()) + " bytes, expected " +
                std::to_string(kPublicKeyBytes));
  }

  // One buffer per thread: verification runs for every event received, so spare the allocation.
  thread_local std::string signed_bytes;
  signed_bytes.clear();
  append_signable_json(signed_bytes, object);
  if (!verify_ed25519(public_key_raw, signed_bytes, *signature)) {
    return fail("signature from " + std::string(entity) + " with key " + std::string(key_id) +
                " does not verify");
  }
  return Ok{};
}

}  // namespace myelin::crypto
