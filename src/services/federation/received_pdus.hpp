#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <memory>
#include <vector>

#include "base/expected.hpp"
#include "protocol/events/pdu.hpp"
#include "services/common/service_context.hpp"
#include "services/federation/keys/server_keys.hpp"

namespace myelin::services {

using ReceivedPdu = std::shared_ptr<const events::Pdu>;

// The checks every PDU another server sends (in a /send transaction, a handshake, an answer to
// our requests) must pass before anything else looks at it (spec server-server API "Checks
// performed on receipt of a PDU", steps 1–3): the room version's format, the signatures of every
// server that must have signed it (keys fetched through ServerKeys first), and the content hash —
// a mismatch replaces the event by its redacted form. Signature work runs on the CPU pool.
boost::asio::awaitable<Expected<ReceivedPdu>> check_received_pdu(ServiceContext& ctx,
                                                                 ServerKeys& keys,
                                                                 boost::json::object json,
                                                                 const RoomVersion& version);

// The same for a whole batch, such as a send_join answer (state + auth chain, thousands of events
// in big rooms): keys are fetched once for all, the checks run in chunks spread over the CPU pool.
// Events that fail are dropped (logged), as Synapse drops them; the order of the others is kept.
boost::asio::awaitable<std::vector<ReceivedPdu>> check_received_pdus(ServiceContext& ctx,
                                                                     ServerKeys& keys,
                                                                     boost::json::array events,
                                                                     const RoomVersion& version);

}  // namespace myelin::services
