#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/events/pdu.hpp"
#include "services/notifications/push_rule_store.hpp"
#include "services/rooms/room_service.hpp"
#include "services/rooms/room_state.hpp"
#include "storage/store/event_records.hpp"

namespace myelin::services {

// Decides which local members an event notifies: each joined local user but the sender has
// their push rules run over the event (spec "Push Rules"); those whose matching rule says
// "notify" get a push action row, which /sync counts as unread_notifications (highlight_count
// for the ones whose actions set the highlight tweak).
class NotificationEvaluator {
 public:
  // A user's push rules (PushRuleStore in the server; a fixed set in tests). With
  // `may_read_store` false only rules already in memory: nullptr for the others.
  using RuleSource = std::function<PushRuleSetPtr(const std::string& user_id, bool may_read_store)>;

  explicit NotificationEvaluator(RuleSource rules) : rules_(std::move(rules)) {}

  // `room` is the state after `event`. May read the store: call on a database thread.
  std::vector<storage::PushAction> evaluate(const RoomState& room, const events::Pdu& event) const;
  // The same from rules in memory only (any thread), or std::nullopt when a member's rules
  // would have to be read.
  std::optional<std::vector<storage::PushAction>> evaluate_from_memory(
      const RoomState& room, const events::Pdu& event) const;

  // The RoomService hook (RoomService::set_push_actions). It shares ownership of the rule
  // store, so event writes still queued on the database pool at shutdown stay valid.
  static PushActionsFn hook(std::shared_ptr<PushRuleStore> rules);

 private:
  std::optional<std::vector<storage::PushAction>> evaluate_with(const RoomState& room,
                                                                const events::Pdu& event,
                                                                bool may_read_store) const;

  RuleSource rules_;
};

// The event as push rule conditions see it: the client-server API's form of the PDU (type,
// content, sender, room_id, event_id, origin_server_ts, state_key when set).
boost::json::object push_evaluation_event(const events::Pdu& event);

}  // namespace myelin::services
