#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "base/expected.hpp"
#include "protocol/crypto/signing_key.hpp"

namespace myelin::crypto {

// The bytes a signature covers: the canonical JSON of the object without its "signatures" and
// "unsigned" members (spec appendix "Signing Details").
std::string signable_json(const boost::json::object& object);

// Appends signable_json(object) to out, so callers can reuse one buffer.
void append_signable_json(std::string& out, const boost::json::object& object);

// Signs the object as `entity` (a server name or user ID): adds
// signatures[entity][key.key_id()] = unpadded base64 signature, keeping every other signature and
// the "unsigned" member. A "signatures" member (or entity entry) that is not an object is
// replaced, since it cannot hold signatures.
void sign_json(boost::json::object& object, std::string_view entity, const SigningKey& key);

// Checks that `entity` signed the object with key_id ("ed25519:<version>") whose public key is
// public_key_raw (spec appendix "Checking for a Signature"). The error says why the check failed:
// missing signatures, entity or key; an algorithm other than ed25519; bad base64; or a signature
// that does not verify.
Expected<Ok> verify_json(const boost::json::object& object, std::string_view entity,
                         std::string_view key_id, std::string_view public_key_raw);

}  // namespace myelin::crypto
