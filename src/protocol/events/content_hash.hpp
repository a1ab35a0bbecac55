#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "base/expected.hpp"

namespace myelin::events {

// SHA-256 (32 raw bytes) of the event's canonical JSON without "unsigned", "signatures" and
// "hashes": it covers the unredacted event (spec server-server API "Calculating the content hash
// for an event").
std::string compute_content_hash(const boost::json::object& event);

// Sets hashes.sha256 to the unpadded base64 content hash, keeping any other hash algorithms.
void add_content_hash(boost::json::object& event);

// Whether hashes.sha256 matches the event. A failure means the event must be replaced by its
// redacted form before further processing (spec "Validating hashes and signatures on received
// events"), not dropped.
Expected<Ok> check_content_hash(const boost::json::object& event);

}  // namespace myelin::events
