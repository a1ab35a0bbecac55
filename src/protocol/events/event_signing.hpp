#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.hpp"
#include "protocol/crypto/signing_key.hpp"
#include "protocol/events/pdu.hpp"
#include "protocol/room_versions/room_version.hpp"

namespace myelin::events {

// Adds the content hash (hashes.sha256), then signs the event's redacted form as server_name and
// copies the signature into event.signatures, keeping signatures already present (spec
// server-server API "Adding hashes and signatures to outgoing events"). The room version decides
// the redaction algorithm and so what the signature covers.
void sign_event(boost::json::object& event, std::string_view server_name,
                const crypto::SigningKey& key, const RoomVersion& version);

// The servers whose signatures an event needs (spec "Validating hashes and signatures on received
// events", Synapse's rules): the sender's server, except for an invite made from a third-party
// invite (its sender matches the 3pid invite, but another server may send it); in v1–v2 also the
// server in the event ID; from v8, for a join with content.join_authorised_via_users_server, that
// user's server. Sorted, without duplicates. Servers are the part after the first ':' of an ID.
std::vector<std::string> required_signatures(const boost::json::object& event,
                                             const RoomVersion& version);
std::vector<std::string> required_signatures(const Pdu& pdu);

// The raw 32-byte ed25519 public key of (server_name, key_id), or nullopt when the key is unknown
// or must be ignored. For versions with enforce_key_validity the caller's lookup returns nullopt
// for keys whose valid_until_ts is before the event's origin_server_ts (rooms/v5).
using KeyLookup = std::function<std::optional<std::string>(std::string_view server_name,
                                                           std::string_view key_id)>;

// Checks the signatures of every required server on the redacted event, so a redacted copy
// verifies as well as the full event. For each server, signatures by unknown keys (lookup returns
// nullopt) and by other algorithms than ed25519 are skipped; at least one known key must have
// signed, and every known key's signature must verify. The error names the server and the reason.
Expected<Ok> verify_event_signatures(const boost::json::object& event, const RoomVersion& version,
                                     const KeyLookup& key_lookup);

}  // namespace myelin::events
