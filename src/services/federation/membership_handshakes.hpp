#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/events/pdu.hpp"
#include "services/common/service_context.hpp"
#include "services/federation/keys/server_keys.hpp"
#include "services/rooms/room_service.hpp"

namespace myelin::services {

// Told of every membership event another server sent through send_join/send_leave/send_knock
// once the room accepted it, with the room's state after it, so that the room's other servers
// hear of it. The composition root points it at FederationSender::send_pdu:
//   [&sender](RoomStatePtr room, PduPtr pdu) -> awaitable<void> {
//     co_await sender.send_pdu(*room, *pdu); }
using AcceptedMembershipHook = std::function<boost::asio::awaitable<void>(
    RoomStatePtr room_after, std::shared_ptr<const events::Pdu> event)>;

// The serving side of the membership handshakes (spec server-server API "Joining Rooms",
// "Knocking upon a room", "Inviting to a room", "Leaving Rooms"): another server asks for a
// template (make_*), completes and signs it, and sends it back (send_*); invites come the other
// way, for us to countersign. `origin` is always the calling server (X-Matrix). Errors are
// MatrixErrors: 404 for rooms we are not in, 400 M_INCOMPATIBLE_ROOM_VERSION, 403 when the event
// is not the caller's to send or the auth rules refuse it.
class MembershipHandshakes {
 public:
  MembershipHandshakes(ServiceContext& ctx, RoomService& rooms);

  void set_server_keys(ServerKeys* keys) { keys_ = keys; }
  void set_accepted_hook(AcceptedMembershipHook hook) { accepted_hook_ = std::move(hook); }

  // {"event": template, "room_version"}. `supported_versions` is make_join's `ver` list.
  boost::asio::awaitable<boost::json::object> make_join(
      std::string origin, std::string room_id, std::string user_id,
      std::vector<std::string> supported_versions);
  // v2: {origin, state, auth_chain, event, members_omitted, servers_in_room}. With
  // omit_members, member events other than the heroes' are left out of state (MSC3706).
  boost::asio::awaitable<boost::json::object> send_join(std::string origin, std::string room_id,
                                                        std::string event_id,
                                                        boost::json::object event,
                                                        bool omit_members);
  boost::asio::awaitable<boost::json::object> make_leave(std::string origin, std::string room_id,
                                                         std::string user_id);
  // v2: {}.
  boost::asio::awaitable<boost::json::object> send_leave(std::string origin, std::string room_id,
                                                         std::string event_id,
                                                         boost::json::object event);
  boost::asio::awaitable<boost::json::object> make_knock(
      std::string origin, std::string room_id, std::string user_id,
      std::vector<std::string> supported_versions);
  // {"knock_room_state": stripped state}.
  boost::asio::awaitable<boost::json::object> send_knock(std::string origin, std::string room_id,
                                                         std::string event_id,
                                                         boost::json::object event);
  // v2 invite body {room_version, event, invite_room_state}: {"event": countersigned event}.
  boost::asio::awaitable<boost::json::object> invite(std::string origin, std::string room_id,
                                                     std::string event_id,
                                                     boost::json::object body);

 private:
  struct Accepted {
    std::shared_ptr<const events::Pdu> event;
    RoomStatePtr room_before;
  };

  boost::asio::awaitable<RoomStatePtr> joined_room(std::string room_id);
  boost::asio::awaitable<boost::json::object> make_membership(std::string origin,
                                                              std::string room_id,
                                                              std::string user_id,
                                                              std::string membership);
  // Checks a send_* event (format, hashes, signatures; the caller's user; the membership
  // expected), countersigns it when a restricted join names one of our users, and gives it to
  // the room.
  boost::asio::awaitable<Accepted> accept_membership(std::string origin, std::string room_id,
                                                     std::string event_id,
                                                     boost::json::object event,
                                                     std::string membership);
  boost::asio::awaitable<std::optional<std::string>> authorising_user(RoomStatePtr room,
                                                                      std::string user_id);
  ServerKeys& keys() const;
  // 403 unless the user belongs to the calling server.
  static void require_own_user(const std::string& origin, const std::string& user_id);

  ServiceContext& ctx_;
  RoomService& rooms_;
  ServerKeys* keys_ = nullptr;
  AcceptedMembershipHook accepted_hook_;
};

}  // namespace myelin::services
