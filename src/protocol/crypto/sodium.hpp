#pragma once

namespace myelin::crypto {

// Initialises libsodium once per process (thread-safe); every function of this module that calls
// libsodium calls this first. Throws std::runtime_error if libsodium cannot start (no source of
// randomness), which is an environment failure, not an input error.
void ensure_sodium();

}  // namespace myelin::crypto
