// The serving side of the membership handshakes, second half: completed events (send_*) entering
// the room, and invites countersigned for our users.
#include <boost/json/parse.hpp>
#include <set>

#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "protocol/events/event_signing.hpp"
#include "protocol/events/pdu_format.hpp"
#include "services/common/server_of.hpp"
#include "services/federation/event_graph.hpp"
#include "services/federation/membership_handshakes.hpp"
#include "services/federation/received_pdus.hpp"
#include "services/federation/stripped_room_state.hpp"

namespace myelin::services {

namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

// Members whose events an omit_members answer keeps: enough for the joining server to name the
// room the way clients do (spec client-server API "Calculating the display name": 5 heroes).
constexpr std::size_t kHeroes = 5;

// The heroes: joined and invited members other than the joining user, in a stable order.
std::set<std::string> heroes_of(const RoomState& room, const std::string& joining_user) {
  std::set<std::string> heroes;
  for (const auto& [slot, event] : *room.state) {
    if (heroes.size() == kHeroes) break;
    if (slot.first != "m.room.member" || slot.second == joining_user) continue;
    if (event->membership() == "join" || event->membership() == "invite") {
      heroes.insert(slot.second);
    }
  }
  return heroes;
}

// content.join_authorised_via_users_server of a proposed join, when it names someone.
std::optional<std::string> vouching_user(const bj::object& event) {
  const bj::value* content = event.if_contains("content");
  const bj::value* voucher =
      content && content->is_object()
          ? content->as_object().if_contains("join_authorised_via_users_server")
          : nullptr;
  if (!voucher || !voucher->is_string()) return std::nullopt;
  return std::string(voucher->as_string());
}

}  // namespace

asio::awaitable<MembershipHandshakes::Accepted> MembershipHandshakes::accept_membership(
    std::string origin, std::string room_id, std::string event_id, bj::object event,
    std::string membership) {
  RoomStatePtr room = co_await joined_room(room_id);
  const RoomVersion& version = *room->version;
  if (auto format = events::check_pdu_format(event, version); !format) {
    throw MatrixError(ErrCode::kBadJson, "Bad event: " + format.error());
  }
  // Restricted joins (v8+) name one of our users, and then need our signature beside the
  // joining server's: it is added before the signatures are checked, as Synapse does, since the
  // check requires it (spec "Validating hashes and signatures on received events").
  const bool vouched =
      membership == "join" && version.restricted_join_rule && vouching_user(event).has_value();
  if (vouched) {
    if (server_of(*vouching_user(event)) != ctx_.server_name()) {
      throw MatrixError::unknown_bad_request("The join is not authorised through this server");
    }
    events::sign_event(event, ctx_.server_name(), ctx_.signing_key, version);
  }
  auto checked = co_await check_received_pdu(ctx_, keys(), std::move(event), version);
  if (!checked) throw MatrixError(ErrCode::kForbidden, "Event refused: " + checked.error());
  std::shared_ptr<const events::Pdu> pdu = *checked;
  if (pdu->event_id() != event_id || pdu->room_id() != room_id) {
    throw MatrixError::unknown_bad_request("The event's ID or room does not match the path");
  }
  if (pdu->type() != "m.room.member" || pdu->state_key() != pdu->sender() ||
      pdu->membership() != membership) {
    throw MatrixError::unknown_bad_request("Not a " + membership + " event of its sender");
  }
  require_own_user(origin, pdu->sender());
  if (vouched) {
    // Throws when the user may not join; the auth rules check the named user's power.
    std::optional<std::string> voucher = co_await authorising_user(room, pdu->sender());
    (void)voucher;
  }

  RemoteEventOutcome outcome = co_await rooms_.accept_remote_event(pdu);
  using Kind = RemoteEventOutcome::Kind;
  if (outcome.kind != Kind::kAccepted && outcome.kind != Kind::kDuplicate) {
    log::info("federation", "{} from {} refused: {}", membership, origin, outcome.reason);
    throw MatrixError(ErrCode::kForbidden, "The " + membership + " event was refused");
  }
  if (accepted_hook_ && outcome.kind == Kind::kAccepted) {
    RoomStatePtr after = co_await rooms_.room(room_id);
    if (after) co_await accepted_hook_(after, pdu);
  }
  co_return Accepted{std::move(pdu), std::move(room)};
}

asio::awaitable<bj::object> MembershipHandshakes::send_join(std::string origin, std::string room_id,
                                                            std::string event_id, bj::object event,
                                                            bool omit_members) {
  Accepted accepted =
      co_await accept_membership(origin, room_id, event_id, std::move(event), "join");
  const RoomState& before = *accepted.room_before;
  const std::string& joining = accepted.event->sender();
  const std::set<std::string> heroes =
      omit_members ? heroes_of(before, joining) : std::set<std::string>();

  bj::array state;
  // The auth chain starts from the auth events of the join and of the state sent, taken from the
  // events in memory: a large room's state need not be read back from the store.
  std::vector<std::string> chain_start = accepted.event->auth_events();
  std::set<std::string> in_state;
  std::set<std::string> servers{server_of(joining)};
  for (const auto& [slot, state_event] : *before.state) {
    if (state_event->event_id() == accepted.event->event_id()) continue;
    if (slot.first == "m.room.member" && state_event->membership() == "join") {
      servers.insert(server_of(slot.second));
    }
    const bool omitted = omit_members && slot.first == "m.room.member" && slot.second != joining &&
                         !heroes.contains(slot.second);
    if (omitted) continue;
    state.push_back(state_event->json());
    const std::vector<std::string>& auth_events = state_event->auth_events();
    chain_start.insert(chain_start.end(), auth_events.begin(), auth_events.end());
    in_state.insert(state_event->event_id());
  }
  storage::Store& store = ctx_.store;
  auto load = [&store, room_id, chain_start] {
    return auth_chain_from_auth_events(store, room_id, chain_start);
  };
  std::vector<storage::EventRecord> chain_records = co_await ctx_.db(std::move(load));
  bj::array chain;
  for (const storage::EventRecord& record : chain_records) {
    // "Any events that are returned in state may be omitted from auth_chain" (send_join v2).
    if (omit_members && in_state.contains(record.event_id)) continue;
    chain.push_back(bj::parse(record.pdu_json));
  }

  bj::object answer;
  answer["origin"] = ctx_.server_name();
  answer["state"] = std::move(state);
  answer["auth_chain"] = std::move(chain);
  answer["event"] = accepted.event->json();
  answer["members_omitted"] = omit_members;
  if (omit_members) {
    bj::array server_list;
    for (const std::string& server : servers) server_list.emplace_back(server);
    answer["servers_in_room"] = std::move(server_list);
  }
  co_return answer;
}

asio::awaitable<bj::object> MembershipHandshakes::send_leave(std::string origin,
                                                             std::string room_id,
                                                             std::string event_id,
                                                             bj::object event) {
  co_await accept_membership(origin, room_id, event_id, std::move(event), "leave");
  co_return bj::object{};
}

asio::awaitable<bj::object> MembershipHandshakes::send_knock(std::string origin,
                                                             std::string room_id,
                                                             std::string event_id,
                                                             bj::object event) {
  Accepted accepted =
      co_await accept_membership(origin, room_id, event_id, std::move(event), "knock");
  co_return bj::object{{"knock_room_state", stripped_room_state(*accepted.room_before)}};
}

asio::awaitable<bj::object> MembershipHandshakes::invite(std::string origin, std::string room_id,
                                                         std::string event_id, bj::object body) {
  const bj::value* version_id = body.if_contains("room_version");
  const bj::value* event = body.if_contains("event");
  if (!version_id || !version_id->is_string() || !event || !event->is_object()) {
    throw MatrixError(ErrCode::kBadJson, "room_version and event are required");
  }
  const RoomVersion* version = find_room_version(version_id->as_string());
  if (!version) {
    throw MatrixError(ErrCode::kIncompatibleRoomVersion,
                      "This server does not support the room's version",
                      {{"room_version", version_id->as_string()}});
  }
  bj::object event_json = event->as_object();
  if (auto format = events::check_pdu_format(event_json, *version); !format) {
    throw MatrixError(ErrCode::kBadJson, "Bad event: " + format.error());
  }
  auto checked = co_await check_received_pdu(ctx_, keys(), std::move(event_json), *version);
  if (!checked) throw MatrixError(ErrCode::kForbidden, "Event refused: " + checked.error());
  const events::Pdu& pdu = **checked;
  if (pdu.event_id() != event_id || pdu.room_id() != room_id) {
    throw MatrixError::unknown_bad_request("The event's ID or room does not match the path");
  }
  if (pdu.type() != "m.room.member" || pdu.membership() != "invite" || !pdu.state_key()) {
    throw MatrixError::unknown_bad_request("Not an invite");
  }
  if (server_of(pdu.sender()) != origin) {
    throw MatrixError(ErrCode::kForbidden, "The invite was not sent by the server sending it");
  }
  const std::string invitee = *pdu.state_key();
  if (server_of(invitee) != ctx_.server_name()) {
    throw MatrixError::unknown_bad_request("The invitee does not belong to this server");
  }
  storage::Store& store = ctx_.store;
  auto lookup = [&store, invitee, room_id] {
    auto user = store.accounts.user(invitee);
    const bool exists = user.has_value() && !user->deactivated;
    return std::pair{exists, store.room_admin.blocked_by(room_id).has_value()};
  };
  auto [exists, blocked] = co_await ctx_.db(std::move(lookup));
  if (!exists) throw MatrixError(ErrCode::kForbidden, "Unknown user " + invitee);
  if (blocked) throw MatrixError(ErrCode::kForbidden, "This room has been blocked on this server");

  bj::object countersigned = pdu.json();
  events::sign_event(countersigned, ctx_.server_name(), ctx_.signing_key, *version);
  auto signed_pdu = std::make_shared<const events::Pdu>(
      events::Pdu::from_trusted(countersigned, *version, pdu.event_id()));
  bj::array stripped;
  if (const bj::value* given = body.if_contains("invite_room_state"); given && given->is_array()) {
    stripped = given->as_array();
  }
  co_await rooms_.record_remote_invite(std::move(signed_pdu), std::move(stripped));
  co_return bj::object{{"event", std::move(countersigned)}};
}

}  // namespace myelin::services
