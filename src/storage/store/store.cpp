#include "storage/store/store.hpp"

#include <algorithm>

#include "storage/schema/schema_migrations.hpp"
#include "storage/sql/migrator.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace myelin::storage {

Store::Store(std::unique_ptr<sql::Database> db) : db_(std::move(db)) {
  stream_.start_after(std::max(
      {events.max_stream_ordering(), device_inbox.max_stream_id(), device_lists.max_stream_id()}));
}

std::unique_ptr<Store> Store::open_sqlite(const std::string& path) {
  std::unique_ptr<sql::Database> db = sqlite::SqliteDatabase::open(path);
  sql::Migrator migrator(schema_migrations());
  migrator.migrate(*db);
  return std::make_unique<Store>(std::move(db));
}

}  // namespace myelin::storage
