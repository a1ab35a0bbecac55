#pragma once

#include <string>
#include <string_view>

namespace myelin::services {

// Password hashes for local accounts. New hashes are argon2id in libsodium's PHC string form
// ("$argon2id$v=19$m=65536,t=2,p=1$salt$hash"); bcrypt hashes ("$2b$…", also "$2a$"/"$2y$")
// written by Synapse are still verified so that a migrated database keeps its users' passwords.
//
// Passwords are hashed as their NFKC form (normalize_password), as Synapse hashes them.
//
// Each call costs tens of milliseconds of CPU and 64 MiB of memory on purpose: run them on a
// bounded worker pool, never on an I/O thread.

// A fresh argon2id hash of `password` with a random salt. Throws std::runtime_error only when
// the machine cannot provide the memory (an environment failure, not an input error).
std::string hash_password(std::string_view password);

// Whether `password` matches `stored_hash` (argon2id or bcrypt). Any other or malformed stored
// value is a mismatch, never an error. Comparisons of derived values are constant-time.
// `synapse_pepper` is Synapse's `password_config.pepper`, which it appended to the normalised
// password before bcrypt; it applies to bcrypt hashes only.
bool verify_password(std::string_view password, std::string_view stored_hash,
                     std::string_view synapse_pepper = {});

// Whether `stored_hash` should be replaced by hash_password() the next time the user proves
// the password: bcrypt, or argon2id with other limits than the current ones.
bool needs_rehash(std::string_view stored_hash);

}  // namespace myelin::services
