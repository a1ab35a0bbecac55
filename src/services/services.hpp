#pragma once

#include "services/auth_support/uia_sessions.hpp"
#include "services/common/service_context.hpp"
#include "services/e2ee/device_lists.hpp"
#include "services/e2ee/device_messages.hpp"
#include "services/e2ee/key_service.hpp"
#include "services/email/threepid_service.hpp"
#include "services/federation/backfiller.hpp"
#include "services/federation/federation_reads.hpp"
#include "services/federation/keys/key_ring.hpp"
#include "services/federation/membership_federation.hpp"
#include "services/federation/receiver/federation_receiver.hpp"
#include "services/federation/sender/federation_sender.hpp"
#include "services/media/media_service.hpp"
#include "services/notifications/push_rule_store.hpp"
#include "services/ratelimit/rate_limits.hpp"
#include "services/rooms/room_admin_service.hpp"
#include "services/rooms/room_service.hpp"
#include "services/rooms/user_redactions.hpp"
#include "services/sso/sso_service.hpp"
#include "services/sync/presence_service.hpp"
#include "services/sync/sync_service.hpp"
#include "services/sync/typing_service.hpp"
#include "services/users/account_service.hpp"
#include "services/users/registration_tokens.hpp"
#include "services/users/server_notices.hpp"
#include "services/users/shared_secret_registration.hpp"
#include "services/users/user_admin_service.hpp"

namespace myelin {

// The homeserver's services, built once by the composition root (app/serve_command.cpp) and
// handed to every request. Handlers reach them through RequestContext::services.
struct Services {
  explicit Services(services::ServiceContext& context)
      : ctx(context),
        accounts(context),
        rooms(context),
        room_admin(context, rooms),
        sync(context, rooms, typing),
        device_messages(context),
        device_lists(context, rooms, accounts),
        uia(context.now_ms),
        push_rules(std::make_shared<services::PushRuleStore>(context)),
        presence(context, rooms),
        shared_secret_registration(context, accounts),
        registration_tokens(context),
        mailer(context.config, context.now_ms),
        threepids(context, mailer),
        user_admin(context, accounts, rooms),
        server_notices(context, accounts, rooms),
        user_redactions(context, rooms),
        rate_limits(context),
        media(context),
        sso(context, accounts),
        keys(context),
        key_ring(context),
        federation_reads(context, rooms),
        federation_sender(context, rooms, typing, presence),
        membership_federation(context, rooms, federation_sender),
        federation_receiver(context, rooms, federation_sender),
        backfiller(context, rooms) {
    federation_sender.connect_e2ee(device_messages, device_lists);
    // New or changed identity keys change the user's device list: others fetch them again.
    keys.set_device_keys_changed([this](std::string user_id, std::string device_id) {
      return device_lists.device_changed(std::move(user_id), std::move(device_id));
    });
    keys.set_signing_keys_changed([this](std::string user_id) {
      return device_lists.signing_keys_changed(std::move(user_id));
    });
  }

  services::ServiceContext& ctx;
  services::AccountService accounts;
  services::RoomService rooms;
  services::RoomAdminService room_admin;  // Synapse Admin API: rooms, deletions, reports
  services::TypingService typing;
  services::SyncService sync;
  services::DeviceMessages device_messages;  // sendToDevice: device inboxes, m.direct_to_device
  services::DeviceLists device_lists;        // whose devices changed: /sync, m.device_list_update
  services::UiaSessions uia;
  // Shared: the rooms' push-actions hook (app/homeserver.cpp) holds it from database threads.
  std::shared_ptr<services::PushRuleStore> push_rules;
  services::PresenceService presence;
  services::SharedSecretRegistration shared_secret_registration;
  services::RegistrationTokens registration_tokens;
  services::Mailer mailer;  // e-mail through the SMTP relay (email:)
  services::ThreepidService threepids;
  services::UserAdminService user_admin;
  services::ServerNotices server_notices;    // server_notices: messages from the server
  services::UserRedactions user_redactions;  // admin: redact a user's events, in the background
  services::RateLimits rate_limits;
  services::MediaService media;
  services::SsoService sso;                      // OpenID Connect single sign-on (oidc_providers:)
  services::KeyService keys;                     // end-to-end encryption keys: upload, query, claim
  services::KeyRing key_ring;                    // server keys: ours, others', the notary's
  services::FederationReads federation_reads;    // what other servers may read from us
  services::FederationSender federation_sender;  // outbound queues; EDUs in and out
  services::MembershipFederation membership_federation;  // join/leave/knock/invite handshakes
  services::FederationReceiver federation_receiver;      // /send: PDUs and EDUs pushed to us
  services::Backfiller backfiller;  // history before our join, for /messages (rooms' OlderHistory)
};

}  // namespace myelin
