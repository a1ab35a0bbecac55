#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>

#include "base/expected.hpp"

namespace myelin::services::push {

// What a rule's actions ask for (spec "Actions").
struct ActionSummary {
  bool notify = false;               // "notify" is present
  bool highlight = false;            // {"set_tweak": "highlight"} with no value or value true
  std::optional<std::string> sound;  // {"set_tweak": "sound", "value": "…"}
  // Every tweak by name, as the push gateway receives them ("devices[].tweaks"); a tweak given
  // without a value is true.
  boost::json::object tweaks;
};

ActionSummary summarise_actions(const boost::json::array& actions);

// A client's actions array checked and cleaned: strings must be known actions, objects must name
// a string `set_tweak`. The historical "dont_notify" and "coalesce" are stripped (spec "Historical
// Actions": a rule with ["dont_notify"] is a rule with []). The error says what is wrong.
Expected<boost::json::array> normalise_actions(const boost::json::value& actions);

}  // namespace myelin::services::push
