#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "services/common/service_context.hpp"
#include "storage/store/event_records.hpp"
#include "storage/store/event_store.hpp"

namespace myelin::services {

// Group commit for new events. SQLite has one writer and a commit costs more than an insert,
// so events arriving while a write is under way are queued and the next write takes them all
// in one transaction (each in its own savepoint). Rooms are serialised by their own lock, so a
// batch holds at most one event per room and order within a room is kept.
class EventPersister {
 public:
  struct Job {
    // Runs on a database thread before the event is queued (reads allowed: push rules, the
    // redacted event); may fill in the event. What it throws, persist() rethrows.
    std::function<void(storage::NewEvent&)> prepare;
    std::shared_ptr<storage::NewEvent> event;
  };

  explicit EventPersister(ServiceContext& ctx) : ctx_(ctx) {}
  EventPersister(const EventPersister&) = delete;
  EventPersister& operator=(const EventPersister&) = delete;

  // Resumes once the event's transaction committed (its position published), or rethrows what
  // writing it threw.
  boost::asio::awaitable<storage::EventStore::PersistOutcome> persist(Job job);

  // A queued event's waiting coroutine; public for the implementation's handler wrapper.
  class Waiter {
   public:
    virtual ~Waiter() = default;
    virtual void complete(std::exception_ptr error,
                          storage::EventStore::PersistOutcome outcome) = 0;
  };

 private:
  struct Pending {
    Job job;
    std::unique_ptr<Waiter> waiter;
  };
  void enqueue(Pending pending);
  // On a database thread: writes everything queued, then again while more arrived meanwhile.
  void drain();

  ServiceContext& ctx_;
  std::mutex mutex_;
  std::vector<Pending> queue_;
  bool writing_ = false;
};

}  // namespace myelin::services
