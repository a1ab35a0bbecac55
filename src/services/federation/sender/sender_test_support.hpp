#pragma once

// For the sender's unit tests (included by *_test.cpp files only): a FederationTransport that
// records transactions and fails as told, and a fixture with rooms, typing, presence and a
// FederationSender over one test store.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "services/common/service_test_fixture.hpp"
#include "services/federation/sender/federation_sender.hpp"

namespace myelin::services::testing {

class FakeTransport : public FederationTransport {
 public:
  struct Transaction {
    std::string destination;
    std::string path;
    boost::json::object body;
    std::vector<std::string> pdu_event_ids() const;  // from each PDU's content.n label
    std::size_t pdus() const { return body.at("pdus").as_array().size(); }
    std::size_t edus() const { return body.at("edus").as_array().size(); }
  };
  // The answer for an attempt: 0 = 200, -1 = unreachable, else that HTTP status.
  std::function<int(const std::string& destination)> answer;
  // Runs at each attempt before the answer (tests read the store's state at that moment).
  std::function<void(const std::string& destination)> on_attempt;

  boost::asio::awaitable<boost::json::value> request(
      std::string destination, std::string method, std::string path,
      std::optional<boost::json::value> body) override {
    if (on_attempt) on_attempt(destination);
    const int status = answer ? answer(destination) : 0;
    {
      std::lock_guard lock(mutex_);
      attempts_.push_back({destination, path, body ? body->as_object() : boost::json::object{}});
      if (status == 0) delivered_.push_back(attempts_.back());
    }
    (void)method;
    if (status == -1) throw FederationUnreachable("connection refused");
    if (status != 0) throw FederationRequestError(status, "M_FORBIDDEN", "refused");
    co_return boost::json::value(boost::json::object{{"pdus", boost::json::object{}}});
  }
  boost::asio::awaitable<boost::json::value> request_unsigned(
      std::string, std::string, std::string, std::optional<boost::json::value>) override {
    throw FederationUnreachable("not used");
    co_return boost::json::value();
  }

  std::vector<Transaction> attempts() const {
    std::lock_guard lock(mutex_);
    return attempts_;
  }
  std::vector<Transaction> delivered(const std::string& destination = "") const {
    std::lock_guard lock(mutex_);
    std::vector<Transaction> out;
    for (const auto& t : delivered_) {
      if (destination.empty() || t.destination == destination) out.push_back(t);
    }
    return out;
  }
  // Every EDU delivered to `destination` of the type, in order.
  std::vector<boost::json::object> edus(const std::string& destination,
                                        const std::string& type) const {
    std::vector<boost::json::object> out;
    for (const auto& t : delivered(destination)) {
      for (const auto& edu : t.body.at("edus").as_array()) {
        if (edu.as_object().at("edu_type") == type.c_str()) out.push_back(edu.as_object());
      }
    }
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Transaction> attempts_;
  std::vector<Transaction> delivered_;
};

inline std::vector<std::string> FakeTransport::Transaction::pdu_event_ids() const {
  std::vector<std::string> labels;
  for (const auto& pdu : body.at("pdus").as_array()) {
    const auto& object = pdu.as_object();
    const auto* content = object.if_contains("content");
    const auto* label = content ? content->as_object().if_contains("n") : nullptr;
    labels.push_back(label ? std::string(label->as_string())
                           : std::string(object.at("type").as_string()));
  }
  return labels;
}

class SenderTest : public ServiceTestFixture {
 protected:
  static constexpr const char* kAlice = "@alice:test.local";

  SenderTest() {
    make_sender(RetryBackoff{.min_interval_ms = 20, .max_interval_ms = 1000, .jitter = 0});
  }
  ~SenderTest() override {
    if (sender_) sender_->stop();
    drain();
  }

  void make_sender(RetryBackoff backoff) {
    if (sender_) {
      sender_->stop();
      drain();
      retired_.push_back(std::move(sender_));
    }
    sender_ = std::make_unique<FederationSender>(ctx_, rooms_, typing_, presence_, backoff);
  }
  void start_sending() {
    sender_->set_transport(&transport_);
    sender_->start(io_.get_executor());
  }

  // Runs the io_context in short slices until `done` holds (fails after 10 s).
  void drive_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "timed out";
        return;
      }
      io_.restart();
      io_.run_for(std::chrono::milliseconds(2));
    }
  }
  // Runs the io_context for a while (to show that nothing happens).
  void drain(std::chrono::milliseconds for_ms = std::chrono::milliseconds(30)) {
    const auto until = std::chrono::steady_clock::now() + for_ms;
    while (std::chrono::steady_clock::now() < until) {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(2));
    }
  }
  // As run(), but returns while background queues keep the io_context busy.
  template <typename T>
  T await(boost::asio::awaitable<T> work) {
    auto done = boost::asio::co_spawn(io_, std::move(work), boost::asio::use_future);
    drive_until(
        [&] { return done.wait_for(std::chrono::seconds(0)) == std::future_status::ready; });
    return done.get();
  }

  std::string public_room() {
    CreateRoomRequest request;
    request.creator = kAlice;
    request.preset = "public_chat";
    return await(rooms_.create_room(std::move(request)));
  }
  void join(const std::string& room_id, const std::string& user_id) {
    await(rooms_.join(room_id, user_id, std::nullopt));
  }
  void leave(const std::string& room_id, const std::string& user_id) {
    await(rooms_.leave(room_id, user_id, std::nullopt));
  }
  // A message labelled `n` in its content (FakeTransport::pdu_event_ids reads it back).
  void say(const std::string& room_id, const std::string& n) {
    EventDraft draft;
    draft.sender = kAlice;
    draft.type = "m.room.message";
    draft.content = {{"msgtype", "m.text"}, {"body", n}, {"n", n}};
    SendOptions options;
    await(rooms_.send_event(room_id, std::move(draft), std::move(options)));
  }
  std::vector<storage::OutboxItem> outbox(const std::string& destination) {
    return store_->federation_sender.pending(destination, 1000, 1000);
  }
  std::optional<storage::DestinationRecord> destination(const std::string& name) {
    return store_->federation_sender.destination(name);
  }

  RoomService rooms_{ctx_};
  TypingService typing_;
  PresenceService presence_{ctx_, rooms_};
  FakeTransport transport_;
  std::unique_ptr<FederationSender> sender_;
  std::vector<std::unique_ptr<FederationSender>> retired_;
};

}  // namespace myelin::services::testing
