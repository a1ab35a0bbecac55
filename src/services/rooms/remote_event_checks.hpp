#pragma once

// What every path that stores events from other servers shares (remote_events.cpp for /send and
// joins, room_history.cpp for backfill): the stored form of a PDU, the auth rules against the
// event's own auth events, and outlier writes. Blocking (store reads): database threads only.
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/expected.hpp"
#include "protocol/events/pdu.hpp"
#include "services/rooms/stored_events.hpp"
#include "storage/store/store.hpp"

namespace myelin::services {

using PduPtr = std::shared_ptr<const events::Pdu>;

// The event as stored: its canonical JSON without the unsigned data the sending server added.
storage::EventRecord record_of(const events::Pdu& pdu);

// An outlier write for the event; `rejection` set ("rejected: …") when it failed the auth rules.
std::shared_ptr<storage::NewEvent> outlier_write(const events::Pdu& pdu,
                                                 std::optional<std::string> rejection);

// Spec server-server API "Checks performed on receipt of a PDU", step 4: the event's auth_events
// are the ones the rules select, and the auth rules pass against them. `missing` gets the auth
// events this server does not know (then nothing is decided and the result is a failure).
Expected<Ok> check_against_auth_events(const events::Pdu& pdu, const StoredEvents& events,
                                       std::vector<std::string>& missing);

// Outlier writes for the unknown events among `events` (checked in depth order against their
// auth events, which may be among them): rejected ones are marked so in `known` and stored as
// rejected, so they are never asked for again. `written` collects the IDs already handled.
std::vector<std::shared_ptr<storage::NewEvent>> outlier_writes(
    storage::Store& store, StoredEvents& known, std::vector<PduPtr> events,
    std::unordered_set<std::string>& written);

// Outlier writes for a room's state as another server sent it (a send_join or /state answer)
// and that state's auth chain: both made known to `known`, then checked as outlier_writes does,
// the chain first.
std::vector<std::shared_ptr<storage::NewEvent>> state_and_chain_writes(
    storage::Store& store, StoredEvents& known, const std::vector<PduPtr>& state,
    const std::vector<PduPtr>& auth_chain);

}  // namespace myelin::services
