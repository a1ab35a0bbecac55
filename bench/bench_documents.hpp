#pragma once

#include <boost/json/object.hpp>

namespace myelin::bench {

// Deterministic documents for the benchmarks and for bench/python_compare.py (which reads them
// from myelin_bench_documents), so both sides time the same bytes.

// A v10 m.room.message PDU as federation carries it (~1 KB): hashes, signatures, unsigned,
// formatted body with non-ASCII text.
boost::json::object sample_event(int index = 0);

// A /sync-like response: `rooms` joined rooms with `events_per_room` timeline events each, state,
// receipts and account data (about 0.8 MB with the defaults).
boost::json::object sample_sync(int rooms = 50, int events_per_room = 20);

}  // namespace myelin::bench
