#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <string>
#include <string_view>

#include "base/expected.hpp"

namespace myelin::json {

struct ParseLimits {
  // Callers with their own limit (an HTTP body limit, the 65,536-byte PDU limit) pass it here.
  std::size_t max_bytes = 16 * 1024 * 1024;
  // Deep nesting is a stack-exhaustion attack on every recursive consumer of the value.
  std::size_t max_depth = 100;
};

// Parses one untrusted JSON document, exactly RFC 8259: no comments, no trailing commas, nothing
// after the value. Rejects invalid UTF-8 (including encoded surrogates), unpaired \u surrogate
// escapes, numbers that overflow a double, and input beyond the limits. Duplicate object keys are
// accepted and the last one wins, as Python's json module (Synapse) does. Floating-point numbers
// are converted with correct rounding so that they re-encode as Python would.
//
// The error string says what is wrong, for M_NOT_JSON responses and for logs.
Expected<boost::json::value> parse(std::string_view text, const ParseLimits& limits = {});

// Same, but the document must be a JSON object (every Matrix request body and event is one).
Expected<boost::json::object> parse_object(std::string_view text, const ParseLimits& limits = {});

}  // namespace myelin::json
