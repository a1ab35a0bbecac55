#include "protocol/crypto/sodium.hpp"

#include <sodium.h>

#include <stdexcept>

namespace myelin::crypto {

void ensure_sodium() {
  // A function-local static is initialised exactly once, even under concurrent first calls.
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace myelin::crypto
