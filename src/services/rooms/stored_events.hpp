#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/events/pdu.hpp"
#include "protocol/room_versions/room_version.hpp"
#include "protocol/state_res/event_source.hpp"
#include "storage/store/store.hpp"

namespace myelin::services {

// A room's events as PDUs, for deciding about events from other servers: the ones given in
// memory (a send_join answer, a batch of outliers) first, then the store's, loaded on first use
// and kept for the rest of the decision. Also the EventSource state resolution reads. Blocking
// (store reads): use on the database pool, from one thread at a time.
class StoredEvents final : public state_res::EventSource {
 public:
  StoredEvents(storage::Store& store, const RoomVersion& version)
      : store_(store), version_(version) {}

  // An event known in memory, not (yet) stored; `rejected` when it failed the auth rules.
  void add(std::shared_ptr<const events::Pdu> pdu, bool rejected = false);
  void mark_rejected(std::string_view event_id);

  const events::Pdu* find(std::string_view event_id) const override;
  bool is_rejected(std::string_view event_id) const override;
  std::shared_ptr<const events::Pdu> shared(std::string_view event_id) const;
  // The stored record (nullptr for events only in memory, or unknown).
  const storage::EventRecord* record(std::string_view event_id) const;

 private:
  struct Entry {
    std::shared_ptr<const events::Pdu> pdu;  // null: unknown
    bool rejected = false;
    std::optional<storage::EventRecord> record;
  };
  const Entry& load(std::string_view event_id) const;

  storage::Store& store_;
  const RoomVersion& version_;
  mutable std::unordered_map<std::string, Entry> entries_;
};

// The v12 create event's ID for a room ID ("!" + reference hash → "$" + the same).
std::string create_event_id_for_room(const std::string& room_id);

}  // namespace myelin::services
