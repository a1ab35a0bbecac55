#pragma once

#include <atomic>
#include <cstdint>

namespace myelin::storage {

// The global position shared by events, account data, receipts and presence: what a sync token
// counts. Positions are taken inside write transactions, which the database runs one at a time,
// so they commit in order and `current()` (the highest committed one) never has a gap below it:
// a reader that has seen position N has seen everything up to N.
class StreamCounter {
 public:
  explicit StreamCounter(std::int64_t start = 0) : allocated_(start), committed_(start) {}

  // At start-up, before any use: continue after what the database holds.
  void start_after(std::int64_t position) {
    allocated_ = position;
    committed_ = position;
  }

  // Only inside a write transaction (see above).
  std::int64_t next() { return ++allocated_; }
  // After the transaction that took `position` committed.
  void publish(std::int64_t position) {
    std::int64_t seen = committed_.load();
    while (seen < position && !committed_.compare_exchange_weak(seen, position)) {
    }
  }
  std::int64_t current() const { return committed_.load(); }

 private:
  std::atomic<std::int64_t> allocated_;
  std::atomic<std::int64_t> committed_;
};

}  // namespace myelin::storage
