#pragma once

#include <cstddef>
#include <string>

namespace myelin::services {

// `length` characters drawn uniformly from [A-Za-z0-9] by libsodium's CSPRNG: access tokens,
// device IDs, room ID localparts, session IDs.
std::string random_token(std::size_t length);
// Upper-case letters only, as Synapse's device IDs ("ABCDEFGHIJ").
std::string random_device_id();

}  // namespace myelin::services
