#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace myelin::services::push {

// Splits a dot-separated property path (spec appendix "Dot-separated property paths"):
// `content.m\.relates_to` names content → "m.relates_to". `\.` is a literal dot and `\\` a
// literal backslash; any other `\x` stays as written.
std::vector<std::string> split_property_path(std::string_view path);

// The value at `path` inside `event`, or nullptr when a step is missing or not an object.
const boost::json::value* find_property(const boost::json::object& event, std::string_view path);

}  // namespace myelin::services::push
