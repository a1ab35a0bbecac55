#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.hpp"
#include "protocol/crypto/signing_key.hpp"

namespace myelin::crypto {

// Synapse's signing key file: one key per line, `ed25519 <version> <unpadded base64 seed>`, fields
// separated by whitespace. Blank lines are ignored. Errors name the 1-based line. A file without
// keys, or with two keys of the same version, is an error.
Expected<std::vector<SigningKey>> parse_signing_key_file(std::string_view text);

// The file text for the keys, one line each, parseable by parse_signing_key_file and by Synapse.
std::string format_signing_key_file(std::span<const SigningKey> keys);

// Reads the first key of the file at path; when the file does not exist, creates it (mode 0600,
// never replacing a file another process created meanwhile) holding a newly generated key.
Expected<SigningKey> load_or_create_signing_key(const std::string& path);

}  // namespace myelin::crypto
