#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <map>
#include <string>

#include "base/expected.hpp"
#include "protocol/crypto/signing_key.hpp"

namespace myelin::testing {

// Runs one differential-testing request, e.g. {"op":"canonical","value":...}, and returns the
// members of its answer. Bad requests are errors (the caller reports them as {"error":...}), so
// one malformed line never stops a batch of thousands.
Expected<boost::json::object> run_vector_op(const boost::json::object& request);

// One op: the request in, the answer's members out.
using VectorOp = std::function<Expected<boost::json::object>(const boost::json::object&)>;
using VectorOpTable = std::map<std::string, VectorOp, std::less<>>;

// Request helpers shared by the op files: the member, or an error naming it.
Expected<std::string> need_string(const boost::json::object& request, std::string_view key);
Expected<boost::json::object> need_object(const boost::json::object& request, std::string_view key);

// The key of {"seed":"<unpadded b64 of 32 bytes>","version":"<key version>"}.
Expected<crypto::SigningKey> signing_key_from_request(const boost::json::object& request);

// The ops of the events module (vector_ops_events.cpp).
void add_event_ops(VectorOpTable& table);

}  // namespace myelin::testing
