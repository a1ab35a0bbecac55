#pragma once

#include <boost/json/object.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace myelin::filter {

// Splits a dot-separated property path (spec appendix "Dot-separated property paths"): '.'
// separates names, "\." is a literal dot and "\\" a literal backslash; any other backslash
// (including a trailing one) is itself. "content.m\.relates_to" -> {"content", "m.relates_to"}.
std::vector<std::string> split_field_path(std::string_view path);

// The filter's `event_fields` applied to a client-format event: a copy holding only the listed
// paths. A path reaches into nested objects only; one that names a missing field or passes
// through a non-object selects nothing. Overlapping paths ("content", "content.body") give the
// union. An empty list selects everything (as Synapse does), so callers need not special-case it.
boost::json::object project_event_fields(const boost::json::object& event,
                                         std::span<const std::string> event_fields);

}  // namespace myelin::filter
