#pragma once

#include <boost/json/object.hpp>

#include "base/expected.hpp"

namespace myelin::testing {

// Runs one differential-testing request, e.g. {"op":"canonical","value":...}, and returns the
// members of its answer. Bad requests are errors (the caller reports them as {"error":...}), so
// one malformed line never stops a batch of thousands.
Expected<boost::json::object> run_vector_op(const boost::json::object& request);

}  // namespace myelin::testing
