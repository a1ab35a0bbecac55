#pragma once

#include <boost/json/value.hpp>
#include <initializer_list>
#include <string>
#include <string_view>

#include "base/expected.hpp"

namespace myelin::json {

// Canonical JSON (spec appendix "Canonical JSON"): keys sorted by code point, no insignificant
// whitespace, UTF-8 rather than \u escapes, only the escapes the grammar allows. Byte-identical to
// Synapse's canonicaljson (Python's json.dumps with ensure_ascii=False, sort_keys=True). Floats,
// which only legacy room versions carry, are written as Python's repr() writes them.
std::string encode_canonical(const boost::json::value& value);

// Appends the canonical encoding to out (lets callers build one buffer for many values).
void append_canonical(std::string& out, const boost::json::value& value);

// Appends the canonical encoding of the object without the excluded top-level members, without
// copying it: what signatures ("signatures", "unsigned") and content hashes (also "hashes") cover.
void append_canonical_without(std::string& out, const boost::json::object& object,
                              std::initializer_list<std::string_view> excluded);

// Whether every number in the value is an integer in [-(2^53)+1, 2^53-1], the rule canonical JSON
// imposes (spec appendix "Canonical JSON"; enforced on events from room version 6). The error names
// the offending path.
Expected<Ok> check_canonical_numbers(const boost::json::value& value);

// Python's repr() of a finite double, e.g. 1.0 -> "1.0", 1e16 -> "1e+16", 1e-05 -> "1e-05".
std::string python_float_repr(double value);

}  // namespace myelin::json
