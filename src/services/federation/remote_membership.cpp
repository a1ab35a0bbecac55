#include "services/federation/remote_membership.hpp"

#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "http/client/url.hpp"
#include "protocol/events/event_id.hpp"
#include "protocol/events/event_signing.hpp"
#include "services/common/random_token.hpp"
#include "services/federation/sender/retry_backoff.hpp"

namespace myelin::services {

namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

std::string make_path(const MembershipHandshake& request) {
  std::string path = "/_matrix/federation/v1/make_" + request.membership + "/" +
                     http::url_encode(request.room_id) + "/" + http::url_encode(request.user_id);
  if (request.membership == "leave") return path;
  // make_join and make_knock: the versions we can take part in.
  char separator = '?';
  for (const RoomVersion* version : known_room_versions()) {
    path += separator;
    path += "ver=" + http::url_encode(version->id);
    separator = '&';
  }
  return path;
}

std::string send_path(const MembershipHandshake& request, const std::string& event_id) {
  // send_knock has only v1; join and leave use v2 (v1's answers are arrays).
  const char* api = request.membership == "knock" ? "v1" : "v2";
  return std::string("/_matrix/federation/") + api + "/send_" + request.membership + "/" +
         http::url_encode(request.room_id) + "/" + http::url_encode(event_id);
}

bool is_string(const bj::value* value, std::string_view expected) {
  return value && value->is_string() && value->as_string() == expected;
}

// The template made ours: checked to be what we asked for, then completed and signed.
Expected<CompletedHandshake> complete_template(ServiceContext& ctx,
                                               const MembershipHandshake& request,
                                               const bj::object& answer) {
  const bj::value* version_id = answer.if_contains("room_version");
  const bj::value* proto = answer.if_contains("event");
  // make_join: "room_version ... if not provided, assumed to be 1"; the same for the others.
  const RoomVersion* version =
      find_room_version(version_id && version_id->is_string() ? version_id->as_string() : "1");
  if (!version) return fail("unsupported room version");
  if (!proto || !proto->is_object()) return fail("no event template");
  bj::object event = proto->as_object();
  const bj::value* type = event.if_contains("type");
  const bj::value* sender = event.if_contains("sender");
  const bj::value* state_key = event.if_contains("state_key");
  const bj::value* room_id = event.if_contains("room_id");
  if (!is_string(type, "m.room.member") || !is_string(sender, request.user_id) ||
      !is_string(state_key, request.user_id) || !is_string(room_id, request.room_id)) {
    return fail("the template is not our user's membership event in this room");
  }
  bj::object content;
  if (const bj::value* given = event.if_contains("content"); given && given->is_object()) {
    content = given->as_object();
  }
  for (const auto& field : request.content) content[field.key()] = field.value();
  content["membership"] = request.membership;
  event["content"] = std::move(content);
  event["origin"] = ctx.server_name();
  event["origin_server_ts"] = ctx.now_ms();
  event.erase("signatures");
  event.erase("hashes");
  event.erase("unsigned");
  event.erase("event_id");
  if (version->event_format == EventFormat::kV1) {
    event["event_id"] = "$" + random_token(18) + ":" + ctx.server_name();
  }
  events::sign_event(event, ctx.server_name(), ctx.signing_key, *version);
  auto pdu = events::Pdu::parse(event, *version);
  if (!pdu) return fail("the completed event is not valid: " + pdu.error());
  CompletedHandshake done;
  done.version = version;
  done.event = std::make_shared<const events::Pdu>(std::move(*pdu));
  return done;
}

// A server that could not be reached for a handshake starts its back-off, as when the sender
// fails to reach it: the next join asks it last (and the sender waits before trying it). One
// already backed off is left to the sender, which grows the interval with its own attempts.
asio::awaitable<void> note_unreachable(ServiceContext& ctx, std::string server) {
  storage::Store& store = ctx.store;
  const std::int64_t now = ctx.now_ms();
  auto record = [&store, server, now] {
    auto destination = store.federation_sender.destination(server);
    if (destination && destination->failure_ts) return;
    store.federation_sender.record_failure(server, now, RetryBackoff{}.min_interval_ms);
  };
  co_await ctx.db(std::move(record));
}

}  // namespace

asio::awaitable<CompletedHandshake> run_membership_handshake(ServiceContext& ctx,
                                                             FederationTransport& transport,
                                                             MembershipHandshake request) {
  bool refused = false;
  bool incompatible = false;
  bool unknown_room = false;
  for (const std::string& server : request.servers) {
    if (server == ctx.server_name()) continue;
    std::string failure;
    bool unreachable = false;
    try {
      std::string path = make_path(request);
      std::string get = "GET";
      std::optional<bj::value> no_body;
      bj::value answer = co_await transport.request(server, get, path, no_body);
      if (!answer.is_object())
        throw FederationUnreachable("make_" + request.membership + " answered no object");
      auto completed = complete_template(ctx, request, answer.as_object());
      if (!completed) {
        if (completed.error() == "unsupported room version") incompatible = true;
        log::info("federation", "make_{} from {}: {}", request.membership, server,
                  completed.error());
        continue;
      }
      std::string put = "PUT";
      std::string send = send_path(request, completed->event->event_id());
      std::optional<bj::value> body = bj::value(completed->event->json());
      bj::value sent = co_await transport.request(server, put, send, body);
      completed->server = server;
      if (sent.is_object()) completed->answer = std::move(sent.as_object());
      co_return std::move(*completed);
    } catch (const FederationRequestError& e) {
      // The remote text is for our logs only.
      if (e.errcode() == "M_INCOMPATIBLE_ROOM_VERSION") incompatible = true;
      if (e.status() == 403) refused = true;
      if (e.status() == 404) unknown_room = true;
      failure = e.what();
    } catch (const FederationUnreachable& e) {
      failure = e.what();
      unreachable = true;
    }
    log::info("federation", "{} of {} through {} failed: {}", request.membership, request.room_id,
              server, failure);
    if (unreachable) co_await note_unreachable(ctx, server);
  }
  if (refused) {
    throw MatrixError(ErrCode::kForbidden,
                      "The room's servers did not allow the " + request.membership);
  }
  if (incompatible) {
    throw MatrixError(ErrCode::kIncompatibleRoomVersion,
                      "This server does not support the room's version");
  }
  if (unknown_room || request.servers.empty()) {
    throw MatrixError(ErrCode::kNotFound, "No known servers for room " + request.room_id);
  }
  throw MatrixError::unknown_bad_gateway("None of the room's servers could be reached");
}

}  // namespace myelin::services
