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

bool needs_escape(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\') return true;
  }
  return false;
}

void append_key(std::string& out, std::string_view key) {
  if (!needs_escape(key)) {
    // Canonical JSON writes every other character, including all of UTF-8, as itself.
    out.push_back('"');
    out.append(key);
    out.push_back('"');
    return;
  }
  json::append_canonical(out, bj::value(bj::string_view(key.data(), key.size())));
}

// Top-level keys are sorted here rather than by json::append_canonical on a copy of the object
// with two members removed: verifying is on the hot path of every federated event, and copying
// the whole event just to drop "signatures" and "unsigned" would cost more than the encoding.
void append_signable(std::string& out, const bj::object& object) {
  constexpr std::size_t kInline = 32;
  const bj::key_value_pair* inline_members[kInline];
  std::vector<const bj::key_value_pair*> heap_members;
  const bj::key_value_pair** members = inline_members;
  if (object.size() > kInline) {
    heap_members.resize(object.size());
    members = heap_members.data();
  }
  std::size_t count = 0;
  for (const bj::key_value_pair& member : object) {
    std::string_view key = view(member.key());
    if (key == kSignatures || key == kUnsigned) continue;
    members[count++] = &member;
  }
  // UTF-8 byte order (std::string_view compares as unsigned char) is code point order.
  std::sort(members, members + count, [](const bj::key_value_pair* a, const bj::key_value_pair* b) {
    return view(a->key()) < view(b->key());
  });

  out.push_back('{');
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) out.push_back(',');
    append_key(out, view(members[i]->key()));
    out.push_back(':');
    json::append_canonical(out, members[i]->value());
  }
  out.push_back('}');
}

bj::object& ensure_object(bj::object& parent, std::string_view key) {
  bj::value& slot = parent[bj::string_view(key.data(), key.size())];
  if (!slot.is_object()) slot = bj::object(parent.storage());
  return slot.get_object();
}

}  // namespace

void append_signable_json(std::string& out, const bj::object& object) {
  append_signable(out, object);
}

std::string signable_json(const bj::object& object) {
  std::string out;
  append_signable(out, object);
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
  std::optional<std::string> signature = base64::decode(view(encoded->get_string()));
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
  append_signable(signed_bytes, object);
  if (!verify_ed25519(public_key_raw, signed_bytes, *signature)) {
    return fail("signature from " + std::string(entity) + " with key " + std::string(key_id) +
                " does not verify");
  }
  return Ok{};
}

}  // namespace myelin::crypto
