#include "services/federation/check/check_documents.hpp"

#include <boost/json/parse.hpp>

#include "base/base64.hpp"
#include "protocol/crypto/json_signing.hpp"

namespace myelin::services::federation_check {

namespace json = boost::json;

Expected<ids::ServerName> parse_well_known(std::string_view body) {
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec) return fail("the body is not JSON");
  if (!value.is_object()) return fail("the body is not a JSON object");
  const json::value* server = value.as_object().if_contains("m.server");
  if (server == nullptr) return fail("there is no \"m.server\"");
  if (!server->is_string()) return fail("\"m.server\" is not a string");
  std::string text(server->as_string());
  auto parsed = ids::ServerName::parse(text);
  if (!parsed)
    return fail("\"m.server\": \"" + text + "\" is not a server name: " + parsed.error());
  return parsed;
}

KeyDocumentCheck check_key_document(std::string_view body, std::string_view expected_server_name,
                                    std::int64_t now_ms) {
  KeyDocumentCheck out;
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec || !value.is_object()) {
    out.problems.push_back("the answer is not a JSON object");
    return out;
  }
  const json::object& document = value.as_object();
  if (const json::value* name = document.if_contains("server_name"); name && name->is_string()) {
    out.server_name = std::string(name->as_string());
  }
  if (out.server_name != expected_server_name) {
    out.server_name_wrong = true;
    out.problems.push_back("server_name is \"" + out.server_name + "\", expected \"" +
                           std::string(expected_server_name) + "\"");
  }
  const json::value* until = document.if_contains("valid_until_ts");
  if (until == nullptr || !until->is_int64()) {
    out.problems.push_back("valid_until_ts is missing or not an integer");
  } else if (until->as_int64() <= now_ms) {
    out.expired = true;
    out.problems.push_back("valid_until_ts " + std::to_string(until->as_int64()) +
                           " is in the past");
  }
  const json::value* keys = document.if_contains("verify_keys");
  if (keys == nullptr || !keys->is_object() || keys->as_object().empty()) {
    out.problems.push_back("verify_keys is missing or empty");
    return out;
  }
  for (const auto& [key_id, entry] : keys->as_object()) {
    out.key_ids.emplace_back(key_id);
    const json::value* key = entry.is_object() ? entry.as_object().if_contains("key") : nullptr;
    std::optional<std::string> raw;
    if (key != nullptr && key->is_string()) raw = base64::decode_any(key->as_string());
    if (!raw) {
      out.problems.push_back("verify_keys." + std::string(key_id) + " has no base64 \"key\"");
      continue;
    }
    // Signed by the name it claims to be, with each key it lists (spec: the document is signed
    // by every key in verify_keys).
    Expected<Ok> verified = crypto::verify_json(document, expected_server_name, key_id, *raw);
    if (!verified) {
      out.problems.push_back("the signature by " + std::string(key_id) +
                             " does not verify: " + verified.error());
    }
  }
  return out;
}

}  // namespace myelin::services::federation_check
