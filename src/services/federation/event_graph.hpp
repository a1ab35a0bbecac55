#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/store/store.hpp"

namespace myelin::services {

// Walks of the room DAG that the federation read endpoints answer with, over stored events.
// prev_events and auth_events are read from each event's PDU (both the v1–v2 [id, hashes]
// pairs and the v3+ plain IDs). Every function blocks: run on the database pool.

// The references an event's PDU makes under `key` ("prev_events", "auth_events"), as IDs.
std::vector<std::string> event_references(const boost::json::object& pdu, std::string_view key);

// The auth chain of the given events: their auth events, and those events' auth events,
// recursively — without the given events themselves unless another event of the chain names
// them. Only stored events of `room_id`. Ordered by depth, then stream position (a parent
// before its children), as a receiver checks them.
std::vector<storage::EventRecord> auth_chain(storage::Store& store, const std::string& room_id,
                                             const std::vector<std::string>& event_ids);
// The same chain when the given events' auth_events are already at hand (events in memory, as
// a room's state is): `auth_event_ids` is their union. Spares reading and parsing the given
// events, which for a large room's state are most of the work.
std::vector<storage::EventRecord> auth_chain_from_auth_events(
    storage::Store& store, const std::string& room_id, std::vector<std::string> auth_event_ids);

// Backfill (spec server-server API "Backfilling"): the given events and their ancestors along
// prev_events, newest first (greatest depth, then latest stream position), at most `limit`.
// Unknown IDs and events of other rooms are skipped.
std::vector<storage::EventRecord> backfill_walk(storage::Store& store, const std::string& room_id,
                                                const std::vector<std::string>& from,
                                                std::size_t limit);

// get_missing_events: a breadth-first walk of prev_events from `latest` (which are not
// returned), never past an event of `earliest` nor below `min_depth`, collecting at most
// `limit` events. Returned oldest first (by depth, then stream position).
std::vector<storage::EventRecord> missing_events_walk(storage::Store& store,
                                                      const std::string& room_id,
                                                      const std::vector<std::string>& earliest,
                                                      const std::vector<std::string>& latest,
                                                      std::size_t limit, std::int64_t min_depth);

// The room's state before the event (spec /state and /state_ids: "prior to considering any
// state changes induced by the requested event"), as (type, state key) → event ID. nullopt when
// the event has no stored state (an outlier).
std::optional<storage::StateEntries> state_before_event(storage::Store& store,
                                                        const storage::EventRecord& event);

}  // namespace myelin::services
