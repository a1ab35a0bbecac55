#include "protocol/events/content_hash.hpp"

#include "base/base64.hpp"
#include "protocol/crypto/sha256.hpp"
#include "protocol/json/access.hpp"
#include "protocol/json/canonical.hpp"

namespace myelin::events {
namespace {

namespace bj = boost::json;

}  // namespace

std::string compute_content_hash(const bj::object& event) {
  std::string hashed;
  json::append_canonical_without(hashed, event, {"unsigned", "signatures", "hashes"});
  return crypto::sha256(hashed);
}

void add_content_hash(bj::object& event) {
  std::string encoded = base64::encode(compute_content_hash(event));
  bj::value& hashes = event["hashes"];
  if (!hashes.is_object()) hashes = bj::object();
  hashes.get_object()["sha256"] = encoded;
}

Expected<Ok> check_content_hash(const bj::object& event) {
  const bj::object* hashes = json::find_object(event, "hashes");
  if (!hashes) return fail("event has no \"hashes\" object");
  std::optional<std::string_view> claimed = json::find_string(*hashes, "sha256");
  if (!claimed) return fail("event has no hashes.sha256 string");
  std::optional<std::string> decoded = base64::decode_any(*claimed);
  if (!decoded) return fail("hashes.sha256 is not valid base64");
  if (*decoded != compute_content_hash(event)) return fail("content hash does not match");
  return Ok{};
}

}  // namespace myelin::events
