#include "services/push/push_actions.hpp"

#include "protocol/json/access.hpp"

namespace myelin::services::push {

ActionSummary summarise_actions(const boost::json::array& actions) {
  ActionSummary summary;
  for (const boost::json::value& action : actions) {
    if (const boost::json::string* name = action.if_string()) {
      if (*name == "notify") summary.notify = true;
      continue;
    }
    const boost::json::object* tweak = action.if_object();
    if (!tweak) continue;
    auto tweak_name = json::find_string(*tweak, "set_tweak");
    if (!tweak_name) continue;
    const boost::json::value* value = tweak->if_contains("value");
    summary.tweaks[*tweak_name] = value ? *value : boost::json::value(true);
    if (*tweak_name == "highlight") {
      // No value means true (spec "highlight" tweak); anything but true is not a highlight.
      summary.highlight = !value || (value->is_bool() && value->get_bool());
    } else if (*tweak_name == "sound") {
      if (value && value->is_string()) {
        summary.sound = std::string(json::view(value->get_string()));
      } else {
        summary.sound.reset();
      }
    }
  }
  return summary;
}

Expected<boost::json::array> normalise_actions(const boost::json::value& actions) {
  const boost::json::array* list = actions.if_array();
  if (!list) return fail("'actions' must be an array");
  boost::json::array out;
  for (const boost::json::value& action : *list) {
    if (const boost::json::string* name = action.if_string()) {
      if (*name == "notify") {
        out.push_back(action);
      } else if (*name != "dont_notify" && *name != "coalesce") {
        return fail("unrecognised action: " + std::string(json::view(*name)));
      }
      continue;
    }
    const boost::json::object* tweak = action.if_object();
    if (!tweak || !json::find_string(*tweak, "set_tweak")) {
      return fail("an action must be a string or an object with a string 'set_tweak'");
    }
    out.push_back(action);
  }
  return out;
}

}  // namespace myelin::services::push
