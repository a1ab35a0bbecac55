#include "services/federation/received_pdus.hpp"

#include <gtest/gtest.h>

#include "protocol/events/event_id.hpp"
#include "protocol/events/event_signing.hpp"
#include "services/common/service_test_fixture.hpp"
#include "services/federation/federation_test_keys.hpp"

namespace myelin::services {
namespace {

namespace bj = boost::json;

// The check's outcome as a value co_spawn can carry: the event, or null and the reason.
boost::asio::awaitable<std::pair<ReceivedPdu, std::string>> outcome_of(ServiceContext& ctx,
                                                                       ServerKeys& keys,
                                                                       bj::object event,
                                                                       const RoomVersion* version) {
  auto checked = co_await check_received_pdu(ctx, keys, std::move(event), *version);
  if (!checked) co_return std::pair{ReceivedPdu(), checked.error()};
  co_return std::pair{*checked, std::string()};
}

class ReceivedPdusTest : public testing::ServiceTestFixture {
 protected:
  ReceivedPdusTest() { keys_.add("remote.test", remote_key_); }

  // A member event of remote.test's user, signed by remote.test.
  bj::object signed_event(const std::string& localpart) {
    bj::object event{{"room_id", "!room:remote.test"},
                     {"sender", "@" + localpart + ":remote.test"},
                     {"type", "m.room.member"},
                     {"state_key", "@" + localpart + ":remote.test"},
                     {"content", {{"membership", "join"}, {"displayname", localpart}}},
                     {"origin_server_ts", 1},
                     {"depth", 3},
                     {"prev_events", bj::array{"$prev"}},
                     {"auth_events", bj::array{"$create"}}};
    events::sign_event(event, "remote.test", remote_key_, *version_);
    return event;
  }

  const RoomVersion* version_ = find_room_version("10");
  crypto::SigningKey remote_key_ = crypto::SigningKey::generate();
  testing::FixedServerKeys keys_;
};

TEST_F(ReceivedPdusTest, AcceptsASignedEvent) {
  bj::object event = signed_event("bob");
  auto [checked, error] = run(outcome_of(ctx_, keys_, event, version_));
  ASSERT_TRUE(checked) << error;
  EXPECT_EQ(checked->event_id(), *events::compute_event_id(event, *version_));
  EXPECT_EQ(checked->content().at("displayname"), "bob");
  EXPECT_EQ(keys_.prefetches, 1);
}

TEST_F(ReceivedPdusTest, RefusesUnknownKeysForgeriesAndBadFormats) {
  bj::object forged = signed_event("bob");
  events::sign_event(forged, "remote.test", crypto::SigningKey::generate("other"), *version_);
  forged["signatures"].as_object()["remote.test"].as_object().erase(remote_key_.key_id());
  EXPECT_FALSE(run(outcome_of(ctx_, keys_, forged, version_)).first);

  bj::object tampered = signed_event("bob");
  tampered["sender"] = "@mallory:remote.test";  // covered by the signature
  tampered["state_key"] = "@mallory:remote.test";
  EXPECT_FALSE(run(outcome_of(ctx_, keys_, tampered, version_)).first);

  bj::object malformed = signed_event("bob");
  malformed.erase("depth");
  EXPECT_FALSE(run(outcome_of(ctx_, keys_, malformed, version_)).first);
}

TEST_F(ReceivedPdusTest, AContentHashMismatchGivesTheRedactedEvent) {
  bj::object event = signed_event("bob");
  // Content is outside the signature (redacted form) but inside the content hash.
  event["content"].as_object()["displayname"] = "changed";
  auto [checked, error] = run(outcome_of(ctx_, keys_, event, version_));
  ASSERT_TRUE(checked) << error;
  EXPECT_FALSE(checked->content().contains("displayname"));
  EXPECT_EQ(checked->membership(), "join");
}

TEST_F(ReceivedPdusTest, BatchKeepsOrderAndDropsWhatFails) {
  bj::array batch;
  std::vector<std::string> expected;
  for (int i = 0; i < 150; ++i) {  // several chunks
    bj::object event = signed_event("u" + std::to_string(i));
    if (i % 50 == 7) {
      event["sender"] = "@forged:remote.test";
    } else {
      expected.push_back(*events::compute_event_id(event, *version_));
    }
    batch.push_back(std::move(event));
  }
  batch.push_back(bj::value("not an event"));
  auto checked = run(check_received_pdus(ctx_, keys_, batch, *version_));
  std::vector<std::string> ids;
  for (const auto& pdu : checked) ids.push_back(pdu->event_id());
  EXPECT_EQ(ids, expected);
  EXPECT_EQ(keys_.prefetches, 1);  // the keys once for the whole answer
}

}  // namespace
}  // namespace myelin::services
