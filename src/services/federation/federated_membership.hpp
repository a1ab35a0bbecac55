#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "services/common/service_context.hpp"
#include "services/federation/client/federation_transport.hpp"
#include "services/federation/keys/server_keys.hpp"
#include "services/federation/membership_handshakes.hpp"
#include "services/rooms/room_service.hpp"

namespace myelin::services {

// Membership changes of our users that may need another server: joining a room we are not in
// (by ID with candidate servers, or through a remote alias), inviting a user of another server,
// and rejecting an invite to a room we are not in. Everything that needs no federation goes to
// RoomService unchanged, so the client API calls this for every join, invite and leave.
class FederatedMembership {
 public:
  FederatedMembership(ServiceContext& ctx, RoomService& rooms);

  void set_transport(FederationTransport* transport) { transport_ = transport; }
  void set_server_keys(ServerKeys* keys) { keys_ = keys; }
  // Told of the invites we persist after the invitee's server countersigned them, so that the
  // room's other servers hear of them (RoomService's own hook covers events it builds itself).
  void set_persisted_hook(AcceptedMembershipHook hook) { persisted_hook_ = std::move(hook); }

  struct AliasTarget {
    std::string room_id;
    std::vector<std::string> servers;
  };
  // A local alias from the store, another server's through /query/directory (spec
  // server-server API "Querying for information": directory). 404 when unknown.
  boost::asio::awaitable<AliasTarget> resolve_alias(std::string alias);

  // Joins a room; when this server is not in it, through the first of `servers` (then the
  // inviter's server and the room ID's server) that lets us (spec client-server API "Joining
  // rooms": server_name/via). `content` holds the profile fields and reason to put in the event.
  boost::asio::awaitable<SendResult> join(std::string room_id, std::string user_id,
                                          std::vector<std::string> servers,
                                          std::optional<std::string> reason);
  // A local invitee: RoomService::invite. Another server's: the invite is built here, sent to
  // the invitee's server to countersign (invite v2), then persisted in the room.
  boost::asio::awaitable<SendResult> invite(std::string room_id, std::string sender,
                                            std::string target, std::optional<std::string> reason,
                                            bool is_direct);
  // Leaves a room; an invite to a room this server is not in is rejected through the inviting
  // server (make_leave/send_leave).
  boost::asio::awaitable<void> leave(std::string room_id, std::string user_id,
                                     std::optional<std::string> reason);

 private:
  boost::asio::awaitable<SendResult> remote_join(std::string room_id, std::string user_id,
                                                 std::vector<std::string> servers,
                                                 boost::json::object content);
  boost::asio::awaitable<SendResult> remote_invite(RoomStatePtr room, std::string sender,
                                                   std::string target, boost::json::object content);
  FederationTransport& transport() const;
  ServerKeys& keys() const;

  ServiceContext& ctx_;
  RoomService& rooms_;
  FederationTransport* transport_ = nullptr;
  ServerKeys* keys_ = nullptr;
  AcceptedMembershipHook persisted_hook_;
};

}  // namespace myelin::services
