#pragma once

#include <string_view>

#include "protocol/events/pdu.hpp"

namespace myelin::state_res {

// Where state resolution reads events from: the events of the state sets and their auth chains.
// The events must outlive the resolution; it keeps pointers to them and views of their IDs.
class EventSource {
 public:
  virtual ~EventSource() = default;

  // The event, or nullptr when it is not known.
  virtual const events::Pdu* find(std::string_view event_id) const = 0;

  // Whether the event was rejected (failed the auth rules). Rejected events never enter the
  // resolved state through the iterative auth checks and are not used as auth events there
  // (spec /rooms/v2 "Rejected events"). Sources that store only accepted events keep the default.
  virtual bool is_rejected(std::string_view event_id) const {
    (void)event_id;
    return false;
  }
};

}  // namespace myelin::state_res
