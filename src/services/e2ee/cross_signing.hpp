#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "services/common/service_context.hpp"

namespace myelin::services {

struct SignaturesUploaded {
  boost::json::object failures;             // user → key ID → {status, errcode, message}
  std::vector<std::string> signed_devices;  // the uploader's devices that gained a signature
};

// Cross-signing (spec client-server API "Cross-signing"): a user's master key, the self-signing
// key that signs their devices and the user-signing key that signs other users' master keys,
// and signatures uploaded over keys. Every signature is checked before it is stored. Local
// users only: other users' keys are not cached here, so signatures over them are refused.
class CrossSigning {
 public:
  explicit CrossSigning(ServiceContext& ctx) : ctx_(ctx) {}

  // Whether POST /keys/device_signing/upload needs user-interactive auth: once a master key is
  // set, replacing keys does (Synapse, spec v1.11: the first upload does not).
  boost::asio::awaitable<bool> needs_auth(std::string user_id);

  // POST /keys/device_signing/upload: master_key, self_signing_key, user_signing_key (any of
  // them). Each must name the user and its usage and hold one ed25519 key; the self- and
  // user-signing keys must be signed by the master key (the uploaded one, else the stored
  // one). Errors: 400 M_INVALID_PARAM, M_MISSING_PARAM (no master key to check against),
  // M_INVALID_SIGNATURE; M_BAD_JSON for the wrong shapes. Nothing is stored unless all pass.
  // Returns the public keys of the new master and self-signing keys: device-list changes, as
  // Synapse files them (others must check the user's devices again).
  boost::asio::awaitable<std::vector<std::string>> upload_keys(std::string user_id,
                                                               boost::json::object body);

  // POST /keys/signatures/upload: {user_id: {key_id: signed key}}; what was refused is in
  // `failures` (user → key ID → error). Accepted: the user's devices signed by their self-signing
  // key, their master key signed by one of their devices, local users' master keys signed by the
  // user's user-signing key.
  boost::asio::awaitable<SignaturesUploaded> upload_signatures(std::string user_id,
                                                               boost::json::object body);

 private:
  ServiceContext& ctx_;
};

}  // namespace myelin::services
