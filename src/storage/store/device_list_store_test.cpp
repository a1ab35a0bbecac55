#include "storage/store/device_list_store.hpp"

#include <gtest/gtest.h>

#include "storage/store/test_store.hpp"

namespace myelin::storage {
namespace {

class DeviceListStoreTest : public StoreTest {
 protected:
  DeviceListStore& lists() { return store().device_lists; }
};

TEST_F(DeviceListStoreTest, ChangesChainThroughTheUsersPreviousOne) {
  EXPECT_FALSE(lists().latest("@a:x").has_value());
  DeviceListChange first = lists().record_change("@a:x", "PHONE");
  EXPECT_FALSE(first.prev_stream_id.has_value());
  EXPECT_EQ(store().stream().current(), first.stream_id);
  DeviceListChange other = lists().record_change("@b:y", "X");
  DeviceListChange second = lists().record_change("@a:x", "LAPTOP");
  EXPECT_EQ(second.prev_stream_id, first.stream_id);
  EXPECT_GT(second.stream_id, other.stream_id);
  EXPECT_EQ(lists().latest("@a:x"), second.stream_id);
}

TEST_F(DeviceListStoreTest, ChangedUsersBetweenPositions) {
  DeviceListChange a = lists().record_change("@a:x", "PHONE");
  DeviceListChange b = lists().record_change("@b:y", "X");
  lists().record_change("@a:x", "PHONE");
  EXPECT_EQ(lists().changed_users(0, store().stream().current()),
            (std::set<std::string>{"@a:x", "@b:y"}));
  EXPECT_EQ(lists().changed_users(a.stream_id, b.stream_id), (std::set<std::string>{"@b:y"}));
  EXPECT_TRUE(
      lists().changed_users(store().stream().current(), store().stream().current()).empty());
  // Changes are kept: the stream restarts above them.
  reopen();
  EXPECT_EQ(store().stream().current(), lists().max_stream_id());
}

}  // namespace
}  // namespace myelin::storage
