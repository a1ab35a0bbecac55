// Back-filling a room joined through another server: two (or three) real homeservers in one
// process, the joiner paging its /messages back through the resident server's history.
#include "services/federation/backfiller.hpp"

#include <gtest/gtest.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <functional>

#include "protocol/crypto/signing_key.hpp"
#include "protocol/events/event_id.hpp"
#include "protocol/events/event_signing.hpp"
#include "services/federation/federation_test_server.hpp"
#include "services/rooms/stored_events.hpp"

namespace myelin::services {
namespace {

namespace asio = boost::asio;
namespace bj = boost::json;
using testing::FederationTestServer;
using testing::FixedServerKeys;
using testing::LoopbackTransport;

// The joiner's transport: the loopback one, with /backfill answers from a chosen server
// tampered with, and requests to a chosen server left hanging until released.
class TestTransport : public FederationTransport {
 public:
  TestTransport(LoopbackTransport& inner, asio::io_context& io) : inner_(inner), release_(io) {
    release_.expires_at(asio::steady_timer::time_point::max());
  }

  asio::awaitable<bj::value> request(std::string destination, std::string method, std::string path,
                                     std::optional<bj::value> body) override {
    requests.push_back(destination + " " + path.substr(0, path.find('?')));
    if (destination == hanging) {
      ++pending;
      boost::system::error_code ignored;
      co_await release_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      --pending;
      throw FederationUnreachable("released");
    }
    bj::value answer = co_await inner_.request(destination, method, path, std::move(body));
    if (tamper && path.find("/backfill/") != std::string::npos) {
      tamper(answer.as_object()["pdus"].as_array());
      tamper = nullptr;  // once
    }
    co_return answer;
  }
  asio::awaitable<bj::value> request_unsigned(std::string destination, std::string method,
                                              std::string path,
                                              std::optional<bj::value> body) override {
    co_return co_await inner_.request_unsigned(destination, method, path, std::move(body));
  }
  void release() { release_.cancel(); }

  std::string hanging;
  std::function<void(bj::array&)> tamper;
  std::vector<std::string> requests;
  int pending = 0;

 private:
  LoopbackTransport& inner_;
  asio::steady_timer release_;
};

class BackfillerTest : public ::testing::Test {
 protected:
  BackfillerTest()
      : resident_("resident.test", keys_),
        joiner_("joiner.test", keys_),
        third_("third.test", keys_),
        resident_loopback_("resident.test", servers_),
        joiner_loopback_("joiner.test", servers_),
        third_loopback_("third.test", servers_),
        joiner_transport_(joiner_loopback_, io_),
        backfiller_(joiner_.ctx(), joiner_.rooms(), fast()),
        third_backfiller_(third_.ctx(), third_.rooms(), fast()) {
    servers_["resident.test"] = &resident_;
    servers_["joiner.test"] = &joiner_;
    servers_["third.test"] = &third_;
    resident_.membership().set_transport(&resident_loopback_);
    joiner_.membership().set_transport(&joiner_loopback_);
    third_.membership().set_transport(&third_loopback_);
    backfiller_.set_transport(&joiner_transport_);
    backfiller_.set_server_keys(&keys_);
    third_backfiller_.set_transport(&third_loopback_);
    third_backfiller_.set_server_keys(&keys_);
    alice_ = resident_.register_user("alice");
    bob_ = joiner_.register_user("bob");
  }
  ~BackfillerTest() override {
    joiner_transport_.release();
    io_.restart();
    io_.run();  // the hanging requests end before the servers go
  }

  static Backfiller::Options fast() {
    Backfiller::Options options;
    options.answer_timeout = std::chrono::milliseconds(50);
    return options;
  }

  // Runs until `work` is done, not until the io_context is idle: a hanging request stays.
  template <typename T>
  T run(asio::awaitable<T> work) {
    auto done = asio::co_spawn(io_, std::move(work), asio::use_future);
    io_.restart();
    while (done.wait_for(std::chrono::seconds(0)) != std::future_status::ready) io_.run_one();
    return done.get();
  }

  // A public room on the resident server with `count` messages "m0"…, before anyone joins.
  std::string room_with_messages(int count, const std::string& history_visibility = "shared") {
    CreateRoomRequest request;
    request.creator = alice_;
    request.room_version = "10";
    request.preset = "public_chat";
    request.initial_state.push_back(
        EventDraft{"", "m.room.history_visibility", "",
                   bj::object{{"history_visibility", history_visibility}}, std::nullopt});
    room_id_ = run(resident_.rooms().create_room(std::move(request)));
    for (int i = 0; i < count; ++i) {
      EventDraft draft{alice_, "m.room.message", std::nullopt,
                       bj::object{{"msgtype", "m.text"}, {"body", "m" + std::to_string(i)}},
                       std::nullopt};
      run(resident_.rooms().send_event(room_id_, std::move(draft), SendOptions{}));
    }
    return room_id_;
  }

  void join(FederationTestServer& server, const std::string& user) {
    std::vector<std::string> via{"resident.test"};
    run(server.membership().ours.join(room_id_, user, via, std::nullopt));
  }

  // The whole timeline as a client pages it back from now, `limit` at a time: event IDs, newest
  // first. Stops when a page comes back exhausted.
  std::vector<storage::EventRecord> page_back(FederationTestServer& server, const std::string& user,
                                              std::int64_t limit) {
    std::vector<storage::EventRecord> all;
    std::int64_t from = server.store().stream().current();
    for (int pages = 0; pages < 50; ++pages) {
      TimelinePageRequest request{.room_id = room_id_,
                                  .user_id = user,
                                  .membership = "join",
                                  .backwards = true,
                                  .from = from,
                                  .limit = limit};
      TimelinePage page = run(server.rooms().timeline_page(std::move(request)));
      for (auto& e : page.events) all.push_back(std::move(e));
      if (page.exhausted) break;
      from = page.next;
    }
    return all;
  }

  static std::vector<std::string> bodies(const std::vector<storage::EventRecord>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) {
      if (e.type != "m.room.message") continue;
      out.emplace_back(bj::parse(e.pdu_json).at("content").at("body").as_string());
    }
    return out;
  }

  static std::vector<std::string> newest_first_bodies(int count) {
    std::vector<std::string> out;
    for (int i = count - 1; i >= 0; --i) out.push_back("m" + std::to_string(i));
    return out;
  }

  asio::io_context io_;
  FixedServerKeys keys_;
  std::map<std::string, FederationTestServer*> servers_;
  FederationTestServer resident_;
  FederationTestServer joiner_;
  FederationTestServer third_;
  LoopbackTransport resident_loopback_;
  LoopbackTransport joiner_loopback_;
  LoopbackTransport third_loopback_;
  TestTransport joiner_transport_;
  Backfiller backfiller_;
  Backfiller third_backfiller_;
  std::string alice_;
  std::string bob_;
  std::string room_id_;
};

TEST_F(BackfillerTest, PagesBackThroughTheResidentServersHistoryInOrder) {
  room_with_messages(30);
  join(joiner_, bob_);

  // Without a source of older history, the timeline starts at the join: the state that came
  // with it is kept as outliers, out of sight.
  auto before = page_back(joiner_, bob_, 10);
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].type, "m.room.member");
  EXPECT_EQ(before[0].state_key, bob_);
  const std::string create_id =
      run(joiner_.rooms().room(room_id_))->find("m.room.create", "")->event_id();
  EXPECT_TRUE(joiner_.store().events.event(create_id)->outlier);
  EXPECT_FALSE(run(joiner_.rooms().history_gaps(room_id_)).empty());

  joiner_.rooms().set_older_history(&backfiller_);
  const std::int64_t stream_before = joiner_.store().stream().current();
  auto all = page_back(joiner_, bob_, 10);
  EXPECT_EQ(bodies(all), newest_first_bodies(30));
  // Everything from the join back to the room's creation, each once, the create event last.
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.front().event_id, before[0].event_id);
  EXPECT_EQ(all.back().event_id, create_id);
  EXPECT_EQ(all.back().type, "m.room.create");
  std::set<std::string> ids;
  for (const auto& e : all) EXPECT_TRUE(ids.insert(e.event_id).second) << e.event_id;
  // The resident's own timeline, the same events in the same order.
  auto resident_all = page_back(resident_, alice_, 100);
  std::vector<std::string> resident_ids;
  for (const auto& e : resident_all) resident_ids.push_back(e.event_id);
  std::vector<std::string> joiner_ids;
  for (const auto& e : all) joiner_ids.push_back(e.event_id);
  EXPECT_EQ(joiner_ids, resident_ids);
  // Below every stream token: /sync never sees them, the stream did not move.
  EXPECT_EQ(joiner_.store().stream().current(), stream_before);
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i].stream_ordering, 0);
  EXPECT_FALSE(joiner_.store().events.event(create_id)->outlier);  // de-outliered
  EXPECT_TRUE(run(joiner_.rooms().history_gaps(room_id_)).empty());

  // Complete: paging again asks nobody.
  const std::size_t asked = joiner_transport_.requests.size();
  EXPECT_EQ(bodies(page_back(joiner_, bob_, 10)), newest_first_bodies(30));
  EXPECT_EQ(joiner_transport_.requests.size(), asked);
}

TEST_F(BackfillerTest, HistoryVisibilityIsTheOneAtOurJoinWithUsNotYetJoined) {
  room_with_messages(8, "joined");
  join(joiner_, bob_);
  joiner_.rooms().set_older_history(&backfiller_);
  auto all = page_back(joiner_, bob_, 10);
  // Fetched and held, but sent while bob was not joined: he sees his own join only.
  EXPECT_TRUE(run(joiner_.rooms().history_gaps(room_id_)).empty());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].state_key, bob_);
  EXPECT_TRUE(bodies(all).empty());
}

TEST_F(BackfillerTest, RedactionsInHistoryApplyWhicheverArrivesFirst) {
  room_with_messages(0);
  std::vector<std::string> ids;
  auto send = [&](EventDraft draft) {
    return run(resident_.rooms().send_event(room_id_, std::move(draft), SendOptions{})).event_id;
  };
  std::string near;  // redacted by the next event: both in one answer
  std::string far;   // redacted at the end: the redaction comes in an answer before it
  for (int i = 0; i < 30; ++i) {
    ids.push_back(send(EventDraft{
        alice_, "m.room.message", std::nullopt,
        bj::object{{"msgtype", "m.text"}, {"body", "m" + std::to_string(i)}}, std::nullopt}));
    if (i == 25) near = send(EventDraft{alice_, "m.room.redaction", std::nullopt, {}, ids[24]});
  }
  far = send(EventDraft{alice_, "m.room.redaction", std::nullopt, {}, ids[2]});
  join(joiner_, bob_);
  joiner_.rooms().set_older_history(&backfiller_);
  EXPECT_EQ(bodies(page_back(joiner_, bob_, 10)), newest_first_bodies(30));
  EXPECT_EQ(joiner_.store().events.event(ids[24])->redacted_by, near);
  EXPECT_EQ(joiner_.store().events.event(ids[2])->redacted_by, far);
  EXPECT_FALSE(joiner_.store().events.event(ids[3])->redacted_by.has_value());
}

TEST_F(BackfillerTest, PdusWithBadSignaturesAreDroppedAndFetchedAgain) {
  room_with_messages(30);
  join(joiner_, bob_);
  joiner_.rooms().set_older_history(&backfiller_);

  std::string broken_id;
  std::string forged_id;
  joiner_transport_.tamper = [&](bj::array& pdus) {
    ASSERT_GE(pdus.size(), 5u);
    const RoomVersion& version = *find_room_version("10");
    // A real event of the answer with its signature spoilt.
    bj::object& broken = pdus[3].as_object();
    broken_id = *events::compute_event_id(broken, version);
    bj::object& by_resident = broken["signatures"].as_object()["resident.test"].as_object();
    for (auto& entry : by_resident) {
      std::string sig(entry.value().as_string());
      sig[0] = sig[0] == 'A' ? 'B' : 'A';
      entry.value() = sig;
    }
    // An event claiming to be from the resident server, signed with another key, following
    // the newest event of the answer.
    bj::object forged = pdus[0].as_object();
    forged["content"] = bj::object{{"msgtype", "m.text"}, {"body", "forged"}};
    forged["prev_events"] =
        bj::array{bj::value(*events::compute_event_id(pdus[0].as_object(), version))};
    forged["depth"] = forged["depth"].to_number<std::int64_t>() + 1;
    forged.erase("signatures");
    forged.erase("hashes");
    events::sign_event(forged, "resident.test", crypto::SigningKey::generate(), version);
    forged_id = *events::compute_event_id(forged, version);
    pdus.insert(pdus.begin(), forged);
  };
  auto all = page_back(joiner_, bob_, 10);
  EXPECT_FALSE(broken_id.empty());
  EXPECT_EQ(bodies(all), newest_first_bodies(30));
  EXPECT_FALSE(joiner_.store().events.event(forged_id).has_value());
  auto broken = joiner_.store().events.event(broken_id);
  ASSERT_TRUE(broken);
  EXPECT_FALSE(broken->outlier);  // from a clean answer the next time
}

TEST_F(BackfillerTest, ADeadServerDoesNotHoldUpMessagesAndTheNextOneAnswers) {
  room_with_messages(30);
  join(joiner_, bob_);
  const std::string carol = third_.register_user("carol");
  join(third_, carol);
  // What the resident's transaction would tell the joiner: carol joined (no sender runs here).
  auto carol_join = resident_.store().events.membership(room_id_, carol);
  ASSERT_TRUE(carol_join);
  auto record = resident_.store().events.event(carol_join->event_id);
  auto pdu = std::make_shared<const events::Pdu>(events::Pdu::from_trusted(
      bj::parse(record->pdu_json).as_object(), *find_room_version("10"), record->event_id));
  ASSERT_EQ(run(joiner_.rooms().accept_remote_event(pdu)).kind,
            RemoteEventOutcome::Kind::kAccepted);
  // The third server holds the history too, having back-filled it itself.
  third_.rooms().set_older_history(&third_backfiller_);
  EXPECT_EQ(bodies(page_back(third_, carol, 100)), newest_first_bodies(30));

  joiner_.rooms().set_older_history(&backfiller_);
  joiner_transport_.hanging = "resident.test";  // the creator's server, asked first
  auto all = page_back(joiner_, bob_, 10);
  EXPECT_EQ(bodies(all), newest_first_bodies(30));
  // Given up on, still hanging, and not asked again while it rests (two fetches were needed).
  EXPECT_EQ(joiner_transport_.pending, 1);
  int to_resident = 0;
  int to_third = 0;
  for (const std::string& r : joiner_transport_.requests) {
    to_resident += r.starts_with("resident.test ");
    to_third += r.starts_with("third.test ");
  }
  EXPECT_EQ(to_resident, 1);
  EXPECT_GE(to_third, 2);
  EXPECT_EQ(
      joiner_transport_.requests.at(0).rfind("resident.test /_matrix/federation/v1/backfill/", 0),
      0u);
}

TEST_F(BackfillerTest, WhenNoServerAnswersMessagesAnswersAtOnceAndRests) {
  room_with_messages(5);
  join(joiner_, bob_);
  joiner_.rooms().set_older_history(&backfiller_);
  joiner_transport_.hanging = "resident.test";
  auto all = page_back(joiner_, bob_, 10);
  ASSERT_EQ(all.size(), 1u);  // the join alone
  EXPECT_EQ(joiner_transport_.pending, 1);
  const std::size_t asked = joiner_transport_.requests.size();
  EXPECT_EQ(asked, 1u);
  // Asked again at once: the room rests, nobody is asked.
  EXPECT_EQ(page_back(joiner_, bob_, 10).size(), 1u);
  EXPECT_EQ(joiner_transport_.requests.size(), asked);
}

}  // namespace
}  // namespace myelin::services
