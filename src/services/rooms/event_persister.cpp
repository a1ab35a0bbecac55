#include "services/rooms/event_persister.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace myelin::services {

namespace asio = boost::asio;
using Outcome = storage::EventStore::PersistOutcome;

namespace {

template <typename Handler>
class HandlerWaiter final : public EventPersister::Waiter {
 public:
  explicit HandlerWaiter(Handler handler)
      : handler_(std::move(handler)),
        home_(asio::prefer(asio::get_associated_executor(handler_),
                           asio::execution::outstanding_work.tracked)) {}

  void complete(std::exception_ptr error, Outcome outcome) override {
    asio::post(home_,
               [handler = std::move(handler_), error, outcome = std::move(outcome)]() mutable {
                 std::move(handler)(error, std::move(outcome));
               });
  }

 private:
  Handler handler_;
  decltype(asio::prefer(asio::get_associated_executor(std::declval<Handler&>()),
                        asio::execution::outstanding_work.tracked)) home_;
};

}  // namespace

asio::awaitable<Outcome> EventPersister::persist(Job job) {
  // Preparing (push rules for every member, say) is the costly part and needs no writer: it
  // runs on any database thread, in parallel with other rooms' events, not inside the batch.
  if (job.prepare) {
    auto prepare = [prepare = std::move(job.prepare), event = job.event] { prepare(*event); };
    co_await ctx_.db(std::move(prepare));
  }
  auto initiate = [this](auto handler, Job queued) {
    using Waiter = HandlerWaiter<decltype(handler)>;
    enqueue(Pending{std::move(queued), std::make_unique<Waiter>(std::move(handler))});
  };
  Outcome outcome = co_await asio::async_initiate<const asio::use_awaitable_t<>,
                                                  void(std::exception_ptr, Outcome)>(
      initiate, asio::use_awaitable, std::move(job));
  co_return outcome;
}

void EventPersister::enqueue(Pending pending) {
  std::lock_guard lock(mutex_);
  queue_.push_back(std::move(pending));
  if (writing_) return;  // the running drain() takes it next
  writing_ = true;
  ctx_.db_pool.post([this] { drain(); });
}

void EventPersister::drain() {
  for (;;) {
    std::vector<Pending> batch;
    {
      std::lock_guard lock(mutex_);
      if (queue_.empty()) {
        writing_ = false;
        return;
      }
      batch.swap(queue_);
    }
    std::vector<const storage::NewEvent*> events;
    for (const Pending& pending : batch) events.push_back(pending.job.event.get());
    std::vector<storage::EventStore::BatchOutcome> outcomes;
    std::exception_ptr batch_error;
    try {
      outcomes = ctx_.store.events.persist_batch(events);
    } catch (...) {
      batch_error = std::current_exception();
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (batch_error) {
        batch[i].waiter->complete(batch_error, {});
      } else {
        batch[i].waiter->complete(outcomes[i].error, outcomes[i].outcome);
      }
    }
  }
}

}  // namespace myelin::services
