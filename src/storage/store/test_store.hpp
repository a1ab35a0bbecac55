#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "storage/sqlite/test_temp_dir.hpp"
#include "storage/store/store.hpp"

namespace myelin::storage {

// A Store on a fresh SQLite file with the schema migrated, for the store tests.
class StoreTest : public ::testing::Test {
 protected:
  StoreTest() : path_(dir_.file("homeserver.db")), store_(Store::open_sqlite(path_)) {}

  // Closes the database and opens the same file again, as a restarted server does.
  void reopen() {
    store_->close();
    store_.reset();
    store_ = Store::open_sqlite(path_);
  }

  Store& store() { return *store_; }
  const std::string& path() const { return path_; }

 private:
  sqlite::TempDir dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

// An event record with just what the stores look at; the PDU text is a stand-in (the stores
// keep it verbatim and never parse it).
inline EventRecord test_event(const std::string& event_id, const std::string& room_id,
                              const std::string& type, std::optional<std::string> state_key,
                              const std::string& sender, std::int64_t depth = 1) {
  EventRecord e;
  e.event_id = event_id;
  e.room_id = room_id;
  e.type = type;
  e.state_key = std::move(state_key);
  e.sender = sender;
  e.depth = depth;
  e.origin_server_ts = 1000 + depth;
  e.pdu_json = R"({"event_id":")" + event_id + R"("})";
  return e;
}

}  // namespace myelin::storage
