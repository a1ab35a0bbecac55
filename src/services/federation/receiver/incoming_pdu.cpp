// One received PDU's way into its room (FederationReceiver): the checks, accept_remote_event, and
// the gaps it reports filled from the sending server.
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/log.hpp"
#include "http/client/url.hpp"
#include "protocol/events/event_id.hpp"
#include "services/federation/received_pdus.hpp"
#include "services/federation/receiver/federation_receiver.hpp"

namespace myelin::services {

namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

using Kind = RemoteEventOutcome::Kind;

std::string joined(const std::vector<std::string>& ids) {
  std::string text;
  for (const std::string& id : ids) text += (text.empty() ? "" : ", ") + id;
  return text;
}

// What the answer says about the outcome: nothing for an event the room holds now (soft-failed
// events included: the sender did nothing wrong by sending them).
std::optional<std::string> error_of(const RemoteEventOutcome& outcome) {
  switch (outcome.kind) {
    case Kind::kAccepted:
    case Kind::kDuplicate:
    case Kind::kSoftFailed:
      return std::nullopt;
    case Kind::kRejected:
      return "rejected: " + outcome.reason;
    case Kind::kMissingAuthEvents:
      return "missing auth events: " + joined(outcome.missing);
    case Kind::kMissingPrevEvents:
      return "missing prev events: " + joined(outcome.missing);
    case Kind::kUnknownRoom:
      return "unknown room";
  }
  return "unknown outcome";
}

// The event ID a PDU of a room we do not hold can be named by: only v1–v2 events carry theirs.
std::optional<std::string> carried_event_id(const bj::object& json) {
  const bj::value* id = json.if_contains("event_id");
  if (id && id->is_string()) return std::string(id->as_string());
  return std::nullopt;
}

// check_received_pdu's result in a form a parallel group can hold (Expected has no empty state).
asio::awaitable<std::optional<Expected<ReceivedPdu>>> checked_pdu(ServiceContext& ctx,
                                                                  ServerKeys& keys, bj::object json,
                                                                  const RoomVersion& version) {
  co_return co_await check_received_pdu(ctx, keys, std::move(json), version);
}

}  // namespace

asio::awaitable<std::vector<FederationReceiver::PduResult>> FederationReceiver::process_room(
    std::string origin, std::string room_id, std::vector<bj::object> pdus) {
  std::vector<PduResult> results;
  RoomStatePtr room = co_await rooms_.room(room_id);
  if (!room) {
    log::info("federation", "{} sent {} PDUs of {}, a room we do not hold", origin, pdus.size(),
              room_id);
    for (const bj::object& json : pdus) {
      if (auto id = carried_event_id(json)) results.push_back({*id, "unknown room"});
    }
    co_return results;
  }
  const RoomVersion* version = room->version;
  // Steps 1–3 (format, signatures, hashes) need nothing of the room: every PDU is checked at
  // once, spread over the CPU pool, rather than one at a time between the accepts.
  std::vector<std::string> event_ids;
  auto executor = co_await asio::this_coro::executor;
  using Checked = std::optional<Expected<ReceivedPdu>>;
  using Operation =
      decltype(asio::co_spawn(executor, std::declval<asio::awaitable<Checked>>(), asio::deferred));
  std::vector<Operation> checks;
  for (bj::object& json : pdus) {
    auto event_id = events::compute_event_id(json, *version);
    if (!event_id) {
      log::info("federation", "ignoring a PDU from {} without an event ID: {}", origin,
                event_id.error());
      continue;
    }
    event_ids.push_back(std::move(*event_id));
    checks.push_back(asio::co_spawn(
        executor, checked_pdu(ctx_, *keys_.load(), std::move(json), *version), asio::deferred));
  }
  if (checks.empty()) co_return results;
  auto group = asio::experimental::make_parallel_group(std::move(checks));
  auto [order, check_failures, checked_pdus] =
      co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  (void)order;

  for (std::size_t i = 0; i < event_ids.size(); ++i) {
    PduResult result{event_ids[i], std::nullopt};
    std::optional<std::string> failure;
    try {
      if (check_failures[i]) std::rethrow_exception(check_failures[i]);
      const Expected<ReceivedPdu>& checked = *checked_pdus[i];
      if (!checked) {
        result.error = checked.error();
      } else {
        RemoteEventOutcome outcome = co_await accept_filling_gaps(origin, *checked, true);
        result.error = error_of(outcome);
      }
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (failure) {
      log::error("federation", "PDU {} from {}: {}", result.event_id, origin, *failure);
      result.error = "internal error";
    } else if (result.error) {
      log::info("federation", "PDU {} from {} not accepted: {}", result.event_id, origin,
                *result.error);
    }
    results.push_back(std::move(result));
  }
  co_return results;
}

asio::awaitable<RemoteEventOutcome> FederationReceiver::accept_filling_gaps(std::string origin,
                                                                            PduPtr pdu,
                                                                            bool fetch_prev) {
  bool fetched_auth = false;
  bool fetched_prev = false;
  bool fetched_states = false;
  for (;;) {
    RemoteEventOutcome outcome = co_await rooms_.accept_remote_event(pdu);
    if (outcome.kind == Kind::kMissingPrevEvents && fetch_prev && fetched_prev && !fetched_states) {
      fetched_states = true;
      std::vector<std::string> gaps = outcome.missing;
      if (gaps.size() > kMaxGapStates) gaps.resize(kMaxGapStates);
      for (std::string& event_id : gaps) {
        co_await fetch_state_at_gap(origin, pdu->room_id(), std::move(event_id),
                                    &pdu->room_version());
      }
      continue;
    }
    bool prev_first = false;
    if (outcome.kind == Kind::kMissingAuthEvents && fetch_prev && !fetched_prev) {
      // The prev_events first, as Synapse: the missing auth events are often among them (a new
      // member's join before their message), and those come into the timeline that way rather
      // than as outliers from /event_auth.
      prev_first = co_await lacks_prev_events(pdu);
    }
    if (prev_first || (outcome.kind == Kind::kMissingPrevEvents && fetch_prev && !fetched_prev)) {
      fetched_prev = true;
      co_await fetch_prev_events(origin, pdu);
    } else if (outcome.kind == Kind::kMissingAuthEvents && !fetched_auth) {
      fetched_auth = true;
      co_await fetch_auth_events(origin, pdu);
    } else {
      co_return outcome;
    }
  }
}

asio::awaitable<bool> FederationReceiver::lacks_prev_events(PduPtr pdu) {
  storage::Store& store = ctx_.store;
  auto unknown = [&store, pdu] { return store.events.unknown_events(pdu->prev_events()); };
  co_return !(co_await ctx_.db(std::move(unknown))).empty();
}

asio::awaitable<void> FederationReceiver::fetch_auth_events(std::string origin, PduPtr pdu) {
  FederationTransport* transport = transport_;
  if (!transport) co_return;
  const std::string path = "/_matrix/federation/v1/event_auth/" + http::url_encode(pdu->room_id()) +
                           "/" + http::url_encode(pdu->event_id());
  std::optional<bj::value> answer;
  std::string failure;
  try {
    answer = co_await transport->request(origin, "GET", path, std::nullopt);
  } catch (const FederationRequestError& e) {
    failure = e.what();
  } catch (const FederationUnreachable& e) {
    failure = e.what();
  }
  if (!answer) {
    log::info("federation", "auth events of {} not fetched from {}: {}", pdu->event_id(), origin,
              failure);
    co_return;
  }
  std::vector<PduPtr> chain = co_await checked_events(std::move(*answer), "auth_chain",
                                                      pdu->room_id(), &pdu->room_version());
  co_await rooms_.store_outliers(std::move(chain));
}

asio::awaitable<void> FederationReceiver::fetch_prev_events(std::string origin, PduPtr pdu) {
  FederationTransport* transport = transport_;
  if (!transport) co_return;
  RoomStatePtr room = co_await rooms_.room(pdu->room_id());
  if (!room) co_return;
  bj::array earliest;
  for (const RoomState::Extremity& extremity : room->extremities) {
    earliest.emplace_back(extremity.event_id);
  }
  bj::object request{
      {"earliest_events", std::move(earliest)},
      {"latest_events", bj::array{bj::value(pdu->event_id())}},
      {"limit", kMissingEventsLimit},
      {"min_depth", std::max<std::int64_t>(0, pdu->depth() - kMissingEventsLimit)},
  };
  const std::string path =
      "/_matrix/federation/v1/get_missing_events/" + http::url_encode(pdu->room_id());
  std::optional<bj::value> answer;
  std::string failure;
  try {
    answer = co_await transport->request(origin, "POST", path, bj::value(std::move(request)));
  } catch (const FederationRequestError& e) {
    failure = e.what();
  } catch (const FederationUnreachable& e) {
    failure = e.what();
  }
  if (!answer) {
    log::info("federation", "prev events of {} not fetched from {}: {}", pdu->event_id(), origin,
              failure);
    co_return;
  }
  std::vector<PduPtr> missing =
      co_await checked_events(std::move(*answer), "events", pdu->room_id(), room->version);
  // Oldest first, so that each finds its own prev_events already there.
  std::stable_sort(missing.begin(), missing.end(),
                   [](const PduPtr& a, const PduPtr& b) { return a->depth() < b->depth(); });
  for (const PduPtr& event : missing) {
    if (event->event_id() == pdu->event_id()) continue;
    RemoteEventOutcome outcome = co_await accept_filling_gaps(origin, event, false);
    if (auto error = error_of(outcome)) {
      log::info("federation", "missing event {} from {} not accepted: {}", event->event_id(),
                origin, *error);
    }
  }
}

asio::awaitable<void> FederationReceiver::fetch_state_at_gap(std::string origin,
                                                             std::string room_id,
                                                             std::string event_id,
                                                             const RoomVersion* version) {
  FederationTransport* transport = transport_;
  if (!transport) co_return;
  const std::string event_path = "/_matrix/federation/v1/event/" + http::url_encode(event_id);
  const std::string state_path = "/_matrix/federation/v1/state/" + http::url_encode(room_id) +
                                 "?event_id=" + http::url_encode(event_id);
  std::optional<bj::value> event_answer;
  std::optional<bj::value> state_answer;
  std::string failure;
  try {
    event_answer = co_await transport->request(origin, "GET", event_path, std::nullopt);
    state_answer = co_await transport->request(origin, "GET", state_path, std::nullopt);
  } catch (const FederationRequestError& e) {
    failure = e.what();
  } catch (const FederationUnreachable& e) {
    failure = e.what();
  }
  if (!event_answer || !state_answer) {
    log::info("federation", "state at {} not fetched from {}: {}", event_id, origin, failure);
    co_return;
  }
  std::vector<PduPtr> found =
      co_await checked_events(std::move(*event_answer), "pdus", room_id, version);
  if (found.size() != 1 || found.front()->event_id() != event_id) {
    log::info("federation", "{} did not send the event {} it was asked for", origin, event_id);
    co_return;
  }
  std::vector<PduPtr> state = co_await checked_events(*state_answer, "pdus", room_id, version);
  std::vector<PduPtr> auth_chain =
      co_await checked_events(std::move(*state_answer), "auth_chain", room_id, version);
  const bool accepted = co_await rooms_.accept_state_at_gap(
      std::move(found.front()), std::move(state), std::move(auth_chain));
  if (!accepted) log::info("federation", "the state {} sent at {} was refused", origin, event_id);
}

asio::awaitable<std::vector<PduPtr>> FederationReceiver::checked_events(
    bj::value answer, std::string key, std::string room_id, const RoomVersion* version) {
  std::vector<PduPtr> events;
  bj::value* list = answer.is_object() ? answer.as_object().if_contains(key) : nullptr;
  if (!list || !list->is_array()) co_return events;
  std::vector<ReceivedPdu> checked =
      co_await check_received_pdus(ctx_, *keys_.load(), std::move(list->as_array()), *version);
  for (ReceivedPdu& pdu : checked) {
    if (pdu->room_id() == room_id) events.push_back(std::move(pdu));
  }
  co_return events;
}

}  // namespace myelin::services
