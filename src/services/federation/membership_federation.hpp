#pragma once

#include "services/federation/federated_membership.hpp"
#include "services/federation/membership_handshakes.hpp"
#include "services/federation/sender/federation_sender.hpp"

namespace myelin::services {

// Both sides of the membership handshakes, as one member of Services: `serving` answers other
// servers (make_*/send_*/invite), `ours` acts for our users (remote joins, invites, rejections).
// The composition root hands in the transport and the keys once they exist.
struct MembershipFederation {
  MembershipFederation(ServiceContext& ctx, RoomService& rooms)
      : serving(ctx, rooms), ours(ctx, rooms) {}
  // As the server runs: what the handshakes let into a room goes out through the sender.
  MembershipFederation(ServiceContext& ctx, RoomService& rooms, FederationSender& sender)
      : MembershipFederation(ctx, rooms) {
    set_membership_hook(
        [&sender](RoomStatePtr room,
                  std::shared_ptr<const events::Pdu> pdu) -> boost::asio::awaitable<void> {
          co_await sender.send_pdu(*room, *pdu);
        });
  }

  void set_transport(FederationTransport* transport) { ours.set_transport(transport); }
  void set_server_keys(ServerKeys* keys) {
    serving.set_server_keys(keys);
    ours.set_server_keys(keys);
  }
  // Points at FederationSender::send_pdu: membership events other servers sent us, and invites
  // our users sent to other servers, reach the room's remaining servers.
  void set_membership_hook(const AcceptedMembershipHook& hook) {
    serving.set_accepted_hook(hook);
    ours.set_persisted_hook(hook);
  }

  MembershipHandshakes serving;
  FederatedMembership ours;
};

}  // namespace myelin::services
