// Our users' membership changes across servers: remote joins, invites of other servers' users,
// rejected remote invites. Local cases go straight to RoomService.
#include "services/federation/federated_membership.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>

#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "http/client/url.hpp"
#include "protocol/crypto/json_signing.hpp"
#include "protocol/events/redaction.hpp"
#include "services/common/server_of.hpp"
#include "services/federation/received_pdus.hpp"
#include "services/federation/remote_membership.hpp"
#include "services/federation/stripped_room_state.hpp"
#include "services/rooms/event_builder.hpp"

namespace myelin::services {

namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

void add_unique(std::vector<std::string>& servers, std::string server) {
  if (server.empty() || std::find(servers.begin(), servers.end(), server) != servers.end()) return;
  servers.push_back(std::move(server));
}

// The local user's membership as the store knows it, with the event behind it: for invites to
// rooms this server is not in, the only trace of the room.
struct KnownMembership {
  std::string membership;
  std::string sender;  // of the membership event
};

KnownMembership known_membership(storage::Store& store, const std::string& room_id,
                                 const std::string& user_id) {
  auto record = store.events.membership(room_id, user_id);
  if (!record) return {};
  KnownMembership known{record->membership, {}};
  if (auto event = store.events.event(record->event_id)) known.sender = event->sender;
  return known;
}

// Whether `server` signed the event (its redacted form, as event signatures cover) with a key
// we could find.
bool signed_by(const ServerKeys& keys, const bj::object& event, const RoomVersion& version,
               const std::string& server) {
  const bj::value* signatures = event.if_contains("signatures");
  const bj::value* by_server =
      signatures && signatures->is_object() ? signatures->as_object().if_contains(server) : nullptr;
  if (!by_server || !by_server->is_object()) return false;
  const bj::object redacted = events::redact(event, version);
  for (const auto& entry : by_server->as_object()) {
    auto key = keys.cached_key(server, entry.key(), 0);
    if (key && crypto::verify_json(redacted, server, entry.key(), *key)) return true;
  }
  return false;
}

}  // namespace

FederatedMembership::FederatedMembership(ServiceContext& ctx, RoomService& rooms)
    : ctx_(ctx), rooms_(rooms) {}

FederationTransport& FederatedMembership::transport() const {
  if (!transport_) throw MatrixError(ErrCode::kForbidden, "Federation is not enabled");
  return *transport_;
}

ServerKeys& FederatedMembership::keys() const {
  if (!keys_) throw MatrixError(ErrCode::kForbidden, "Federation is not enabled");
  return *keys_;
}

asio::awaitable<FederatedMembership::AliasTarget> FederatedMembership::resolve_alias(
    std::string alias) {
  const std::string server = server_of(alias);
  if (server == ctx_.server_name()) {
    storage::Store& store = ctx_.store;
    auto lookup = [&store, alias] { return store.rooms.alias(alias); };
    auto found = co_await ctx_.db(std::move(lookup));
    if (!found) throw MatrixError(ErrCode::kNotFound, "Room alias " + alias + " not found");
    co_return AliasTarget{found->room_id, {ctx_.server_name()}};
  }
  std::string path = "/_matrix/federation/v1/query/directory?room_alias=" + http::url_encode(alias);
  std::string get = "GET";
  std::optional<bj::value> no_body;
  bj::value answer;
  bool not_found = false;
  try {
    answer = co_await transport().request(server, get, path, no_body);
  } catch (const FederationRequestError& e) {
    not_found = true;
    log::info("federation", "directory query for {} at {}: {}", alias, server, e.what());
  } catch (const FederationUnreachable& e) {
    log::info("federation", "directory query for {} at {}: {}", alias, server, e.what());
    throw MatrixError::unknown_bad_gateway("The alias's server could not be reached");
  }
  const bj::value* room_id =
      answer.is_object() ? answer.as_object().if_contains("room_id") : nullptr;
  if (not_found || !room_id || !room_id->is_string()) {
    throw MatrixError(ErrCode::kNotFound, "Room alias " + alias + " not found");
  }
  AliasTarget target{std::string(room_id->as_string()), {}};
  if (const bj::value* servers = answer.as_object().if_contains("servers");
      servers && servers->is_array()) {
    for (const bj::value& s : servers->as_array()) {
      if (s.is_string()) add_unique(target.servers, std::string(s.as_string()));
    }
  }
  add_unique(target.servers, server);
  co_return target;
}

asio::awaitable<SendResult> FederatedMembership::join(std::string room_id, std::string user_id,
                                                      std::vector<std::string> servers,
                                                      std::optional<std::string> reason) {
  RoomStatePtr room = co_await rooms_.room(room_id);
  if (room && !room->joined_local_users.empty()) {
    co_return co_await rooms_.join(room_id, user_id, reason);
  }
  storage::Store& store = ctx_.store;
  auto lookup = [&store, room_id, user_id] {
    return std::pair{known_membership(store, room_id, user_id),
                     store.room_admin.blocked_by(room_id).has_value()};
  };
  auto [known, blocked] = co_await ctx_.db(std::move(lookup));
  if (blocked) throw MatrixError(ErrCode::kForbidden, "This room has been blocked on this server");

  std::vector<std::string> candidates;
  for (std::string& server : servers) add_unique(candidates, std::move(server));
  if (known.membership == "invite") add_unique(candidates, server_of(known.sender));
  add_unique(candidates, server_of(room_id));  // "" for v12 room IDs
  std::erase(candidates, ctx_.server_name());
  // Servers our sender finds unreachable right now are asked last, so that a dead server does
  // not cost a join its connection time-out when another can answer.
  auto reachable_first = [&store, candidates]() mutable {
    std::stable_partition(candidates.begin(), candidates.end(), [&store](const std::string& s) {
      auto destination = store.federation_sender.destination(s);
      return !destination || !destination->failure_ts;
    });
    return candidates;
  };
  candidates = co_await ctx_.db(std::move(reachable_first));
  if (candidates.empty() || !transport_) {
    // A room of ours that everyone left, or nothing to ask: RoomService decides (404 if unknown).
    co_return co_await rooms_.join(room_id, user_id, reason);
  }

  auto load_profile = [&store, user_id] { return store.accounts.profile(user_id); };
  storage::Profile profile = co_await ctx_.db(std::move(load_profile));
  bj::object content;
  if (profile.displayname) content["displayname"] = *profile.displayname;
  if (profile.avatar_url) content["avatar_url"] = *profile.avatar_url;
  if (reason) content["reason"] = *reason;
  co_return co_await remote_join(std::move(room_id), std::move(user_id), std::move(candidates),
                                 std::move(content));
}

asio::awaitable<SendResult> FederatedMembership::remote_join(std::string room_id,
                                                             std::string user_id,
                                                             std::vector<std::string> servers,
                                                             bj::object content) {
  MembershipHandshake request{"join", room_id, user_id, std::move(servers), std::move(content)};
  CompletedHandshake done = co_await run_membership_handshake(ctx_, transport(), request);
  const RoomVersion& version = *done.version;
  std::shared_ptr<const events::Pdu> join_event = done.event;

  // A restricted join comes back countersigned by the resident server: that copy is the one the
  // auth rules accept.
  if (const bj::value* returned = done.answer.if_contains("event");
      returned && returned->is_object()) {
    bj::object returned_json = returned->as_object();
    auto checked = co_await check_received_pdu(ctx_, keys(), std::move(returned_json), version);
    if (checked && (*checked)->event_id() == join_event->event_id()) join_event = *checked;
  }
  // Moved out of the answer, not copied: a large room's state is tens of megabytes of JSON.
  bj::array state_json;
  bj::array chain_json;
  if (bj::value* s = done.answer.if_contains("state"); s && s->is_array()) {
    state_json = std::move(s->as_array());
  }
  if (bj::value* c = done.answer.if_contains("auth_chain"); c && c->is_array()) {
    chain_json = std::move(c->as_array());
  }
  std::vector<std::shared_ptr<const events::Pdu>> state =
      co_await check_received_pdus(ctx_, keys(), std::move(state_json), version);
  std::vector<std::shared_ptr<const events::Pdu>> chain =
      co_await check_received_pdus(ctx_, keys(), std::move(chain_json), version);
  auto elsewhere = [&room_id](const std::shared_ptr<const events::Pdu>& e) {
    return e->room_id() != room_id;
  };
  std::erase_if(state, elsewhere);
  std::erase_if(chain, elsewhere);
  const bool has_create = std::any_of(state.begin(), state.end(), [](const auto& e) {
    return e->type() == "m.room.create" && e->state_key() == "";
  });
  if (!has_create) {
    log::warn("federation", "send_join from {} for {} had no usable create event", done.server,
              room_id);
    throw MatrixError::unknown_bad_gateway("The room's server sent an unusable room state");
  }
  co_await rooms_.store_outliers(chain);
  SendResult joined = co_await rooms_.adopt_remote_room(room_id, &version, std::move(state),
                                                        std::move(chain), std::move(join_event));
  log::info("federation", "{} joined {} through {}", user_id, room_id, done.server);
  co_return joined;
}

asio::awaitable<SendResult> FederatedMembership::invite(std::string room_id, std::string sender,
                                                        std::string target,
                                                        std::optional<std::string> reason,
                                                        bool is_direct) {
  if (server_of(target) == ctx_.server_name()) {
    co_return co_await rooms_.invite(room_id, sender, target, reason, is_direct);
  }
  RoomStatePtr room = co_await rooms_.require_room(room_id);
  storage::Store& store = ctx_.store;
  auto blocked_check = [&store, room_id] {
    return store.room_admin.blocked_by(room_id).has_value();
  };
  const bool blocked = co_await ctx_.db(std::move(blocked_check));
  if (blocked) throw MatrixError(ErrCode::kForbidden, "This room has been blocked on this server");
  bj::object content{{"membership", "invite"}};
  if (is_direct) content["is_direct"] = true;
  if (reason) content["reason"] = *reason;
  co_return co_await remote_invite(std::move(room), std::move(sender), std::move(target),
                                   std::move(content));
}

asio::awaitable<SendResult> FederatedMembership::remote_invite(RoomStatePtr room,
                                                               std::string sender,
                                                               std::string target,
                                                               bj::object content) {
  const RoomVersion& version = *room->version;
  EventDraft draft;
  draft.sender = sender;
  draft.type = "m.room.member";
  draft.state_key = target;
  draft.content = std::move(content);
  auto built = build_event(*room, draft, ctx_.server_name(), ctx_.signing_key, ctx_.now_ms());
  if (!built) throw MatrixError(ErrCode::kBadJson, built.error());
  if (auto allowed = authorize_event(*room, built->pdu); !allowed) {
    throw MatrixError(ErrCode::kForbidden, allowed.error());
  }
  const std::string event_id = built->pdu.event_id();
  const std::string server = server_of(target);
  bj::object body{{"room_version", version.id},
                  {"event", built->pdu.json()},
                  {"invite_room_state", stripped_room_state(*room)}};
  std::string path = "/_matrix/federation/v2/invite/" + http::url_encode(room->room_id) + "/" +
                     http::url_encode(event_id);
  std::string put = "PUT";
  std::optional<bj::value> request_body = bj::value(std::move(body));
  bj::value answer;
  bool refused = false;
  try {
    answer = co_await transport().request(server, put, path, request_body);
  } catch (const FederationRequestError& e) {
    refused = true;
    log::info("federation", "invite of {} refused by {}: {}", target, server, e.what());
  } catch (const FederationUnreachable& e) {
    log::info("federation", "invite of {}: {} unreachable: {}", target, server, e.what());
    throw MatrixError::unknown_bad_gateway("The invitee's server could not be reached");
  }
  if (refused) throw MatrixError(ErrCode::kForbidden, "The invitee's server refused the invite");

  const bj::value* returned =
      answer.is_object() ? answer.as_object().if_contains("event") : nullptr;
  if (!returned || !returned->is_object()) {
    throw MatrixError::unknown_bad_gateway("The invitee's server answered without the event");
  }
  // Only signatures may differ from what we sent: the event ID covers everything else.
  auto parsed = events::Pdu::parse(returned->as_object(), version);
  if (!parsed || parsed->event_id() != event_id) {
    throw MatrixError::unknown_bad_gateway("The invitee's server changed the invite");
  }
  std::vector<KeyRequest> wanted;
  if (const bj::value* by_server = returned->as_object().if_contains("signatures");
      by_server && by_server->is_object()) {
    if (const bj::value* keys_used = by_server->as_object().if_contains(server);
        keys_used && keys_used->is_object()) {
      for (const auto& entry : keys_used->as_object()) {
        wanted.push_back({server, std::string(entry.key()), 0});
      }
    }
  }
  co_await keys().prefetch(std::move(wanted));
  if (!signed_by(keys(), returned->as_object(), version, server)) {
    throw MatrixError::unknown_bad_gateway("The invitee's server did not sign the invite");
  }
  auto invite_event = std::make_shared<const events::Pdu>(std::move(*parsed));
  RemoteEventOutcome outcome = co_await rooms_.accept_remote_event(invite_event);
  using Kind = RemoteEventOutcome::Kind;
  if (outcome.kind != Kind::kAccepted && outcome.kind != Kind::kDuplicate) {
    throw MatrixError(ErrCode::kForbidden, "The invite was refused: " + outcome.reason);
  }
  if (persisted_hook_ && outcome.kind == Kind::kAccepted) {
    RoomStatePtr after = co_await rooms_.room(room->room_id);
    if (after) co_await persisted_hook_(after, invite_event);
  }
  co_return SendResult{event_id, outcome.position};
}

asio::awaitable<void> FederatedMembership::leave(std::string room_id, std::string user_id,
                                                 std::optional<std::string> reason) {
  RoomStatePtr room = co_await rooms_.room(room_id);
  if (room && !room->joined_local_users.empty()) {
    co_await rooms_.leave(room_id, user_id, reason);
    co_return;
  }
  storage::Store& store = ctx_.store;
  auto lookup = [&store, room_id, user_id] { return known_membership(store, room_id, user_id); };
  KnownMembership known = co_await ctx_.db(std::move(lookup));
  const bool pending = known.membership == "invite" || known.membership == "knock";
  if (!pending || !transport_) {
    co_await rooms_.leave(room_id, user_id, reason);
    co_return;
  }
  std::vector<std::string> candidates;
  add_unique(candidates, server_of(known.sender));
  add_unique(candidates, server_of(room_id));
  bj::object content;
  if (reason) content["reason"] = *reason;
  MembershipHandshake request{"leave", room_id, user_id, std::move(candidates), std::move(content)};
  CompletedHandshake done = co_await run_membership_handshake(ctx_, transport(), request);
  // Our copy of the room is still only the invite: the leave is recorded beside it the same way,
  // so that /sync moves the room to "leave".
  bj::array no_state;
  co_await rooms_.record_remote_invite(done.event, std::move(no_state));
}

}  // namespace myelin::services
