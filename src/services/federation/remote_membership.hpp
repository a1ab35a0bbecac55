#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <memory>
#include <string>
#include <vector>

#include "protocol/events/pdu.hpp"
#include "services/common/service_context.hpp"
#include "services/federation/client/federation_transport.hpp"

namespace myelin::services {

// One membership handshake done for a local user with a room's resident server (spec
// server-server API "Joining Rooms", "Leaving Rooms", "Knocking upon a room"): make_* on each
// server in turn until one answers with a usable template, then the event completed in our name
// (our profile fields and reason in `content`, our origin, time, hashes and signature) and
// send_*. A server that is unreachable, refuses or answers with something unusable makes us try
// the next one.
struct MembershipHandshake {
  std::string membership;  // "join", "leave" or "knock"
  std::string room_id;
  std::string user_id;
  std::vector<std::string> servers;  // in the order to try
  boost::json::object content;       // merged over the template's content
};

struct CompletedHandshake {
  std::string server;  // who answered
  const RoomVersion* version = nullptr;
  std::shared_ptr<const events::Pdu> event;  // as we sent it
  boost::json::object answer;                // send_*'s answer
};

// Throws MatrixError when no server would: 403 M_FORBIDDEN when one refused, 400
// M_INCOMPATIBLE_ROOM_VERSION when the room's version is unknown here, 404 when none knew the
// room, 502 when none could be reached.
boost::asio::awaitable<CompletedHandshake> run_membership_handshake(ServiceContext& ctx,
                                                                    FederationTransport& transport,
                                                                    MembershipHandshake request);

}  // namespace myelin::services
