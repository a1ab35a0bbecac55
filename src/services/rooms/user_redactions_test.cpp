#include "services/rooms/user_redactions.hpp"

#include <gtest/gtest.h>

#include "services/rooms/test_homeserver.hpp"
#include "services/users/account_service.hpp"

namespace myelin::services {
namespace {

namespace bj = boost::json;

class UserRedactionsTest : public ::testing::Test {
 protected:
  std::string register_user(const std::string& localpart) {
    AccountService accounts(hs_.ctx());
    NewAccount account;
    account.localpart = localpart;
    account.inhibit_login = true;
    return hs_.run(accounts.register_account(account)).user_id;
  }

  std::string public_room(const std::string& creator) {
    CreateRoomRequest request;
    request.creator = creator;
    request.preset = "public_chat";
    return hs_.run(hs_.rooms().create_room(std::move(request)));
  }

  std::string say(const std::string& room_id, const std::string& sender, const std::string& body) {
    EventDraft draft{.sender = sender,
                     .type = "m.room.message",
                     .state_key = std::nullopt,
                     .content = {{"msgtype", "m.text"}, {"body", body}},
                     .redacts = std::nullopt};
    return hs_.run(hs_.rooms().send_event(room_id, std::move(draft), SendOptions{})).event_id;
  }

  RedactionTaskState run_task(UserRedactionRequest request) {
    std::string id = redactions_.schedule(request);
    EXPECT_EQ(redactions_.status(id)->status, RedactionTaskStatus::kScheduled);
    hs_.run(redactions_.run(id, std::move(request)));
    return *redactions_.status(id);
  }

  bool redacted(const std::string& event_id) {
    return hs_.store().events.event(event_id)->redacted_by.has_value();
  }

  TestHomeserver hs_;
  UserRedactions redactions_{hs_.ctx(), hs_.rooms()};
};

TEST_F(UserRedactionsTest, RedactsTheUsersMessagesInEveryRoomTheyAreIn) {
  const std::string admin = register_user("admin");
  const std::string spammer = register_user("spammer");
  const std::string room_a = public_room(admin);
  const std::string room_b = public_room(admin);
  hs_.run(hs_.rooms().join(room_a, spammer, std::nullopt));
  hs_.run(hs_.rooms().join(room_b, spammer, std::nullopt));
  std::vector<std::string> spam = {say(room_a, spammer, "1"), say(room_a, spammer, "2"),
                                   say(room_b, spammer, "3")};
  const std::string kept = say(room_a, admin, "mine");

  RedactionTaskState state = run_task(UserRedactionRequest{
      .user_id = spammer, .admin_id = admin, .room_ids = {}, .reason = "spam"});
  EXPECT_EQ(state.status, RedactionTaskStatus::kCompleted);
  EXPECT_TRUE(state.failed_redactions.empty());
  for (const std::string& event_id : spam) EXPECT_TRUE(redacted(event_id)) << event_id;
  EXPECT_FALSE(redacted(kept));
  EXPECT_EQ(to_string(state.status), "completed");
}

TEST_F(UserRedactionsTest, LimitTakesTheNewestAndRefusalsAreRecorded) {
  const std::string admin = register_user("admin");
  const std::string owner = register_user("owner");
  const std::string room = public_room(owner);  // the admin is not in it
  const std::string old_message = say(room, owner, "old");
  const std::string new_message = say(room, owner, "new");

  RedactionTaskState state = run_task(UserRedactionRequest{
      .user_id = owner, .admin_id = admin, .room_ids = {room}, .limit_per_room = 1});
  EXPECT_EQ(state.status, RedactionTaskStatus::kCompleted);
  ASSERT_EQ(state.failed_redactions.size(), 1u);
  EXPECT_TRUE(state.failed_redactions.contains(new_message));
  EXPECT_FALSE(redacted(old_message));
  EXPECT_FALSE(redactions_.status("unknown").has_value());
}

}  // namespace
}  // namespace myelin::services
