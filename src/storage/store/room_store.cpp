#include "storage/store/room_store.hpp"

#include "storage/sql/transaction.hpp"

namespace myelin::storage {

using sql::Connection;
using sql::Row;

namespace {

RoomRecord read_room(const Row& row) {
  return {row.text(0), row.text(1), row.text(2), row.boolean(3), row.int64(4)};
}

constexpr const char* kRoomColumns =
    "SELECT room_id, room_version, creator, is_public, created_ts FROM rooms ";

}  // namespace

void RoomStore::create_room(const RoomRecord& room) {
  db_.write([&](Connection& c) {
    c.execute(
        "INSERT INTO rooms (room_id, room_version, creator, is_public, created_ts)"
        " VALUES (?, ?, ?, ?, ?)",
        {room.room_id, room.room_version, room.creator, room.is_public ? 1 : 0, room.created_ts});
  });
}

std::optional<RoomRecord> RoomStore::room(const std::string& room_id) {
  return db_.read([&](Connection& c) -> std::optional<RoomRecord> {
    auto row = c.query_optional(std::string(kRoomColumns) + "WHERE room_id = ?", {room_id});
    if (!row) return std::nullopt;
    return read_room(*row);
  });
}

std::vector<RoomRecord> RoomStore::all_rooms() {
  return db_.read([&](Connection& c) {
    std::vector<RoomRecord> rooms;
    for (const Row& row : c.query(std::string(kRoomColumns) + "ORDER BY room_id")) {
      rooms.push_back(read_room(row));
    }
    return rooms;
  });
}

void RoomStore::set_public(const std::string& room_id, bool is_public) {
  db_.write([&](Connection& c) {
    c.execute("UPDATE rooms SET is_public = ? WHERE room_id = ?", {is_public ? 1 : 0, room_id});
  });
}

std::vector<std::string> RoomStore::public_room_ids() {
  return db_.read([&](Connection& c) {
    std::vector<std::string> ids;
    for (const Row& row : c.query("SELECT room_id FROM rooms WHERE is_public = 1")) {
      ids.push_back(row.text(0));
    }
    return ids;
  });
}

bool RoomStore::create_alias(const AliasRecord& alias) {
  return db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    if (c.query_optional("SELECT 1 FROM room_aliases WHERE alias = ?", {alias.alias})) {
      return false;
    }
    c.execute("INSERT INTO room_aliases (alias, room_id, creator) VALUES (?, ?, ?)",
              {alias.alias, alias.room_id, alias.creator});
    tx.commit();
    return true;
  });
}

std::optional<AliasRecord> RoomStore::alias(const std::string& alias) {
  return db_.read([&](Connection& c) -> std::optional<AliasRecord> {
    auto row = c.query_optional("SELECT alias, room_id, creator FROM room_aliases WHERE alias = ?",
                                {alias});
    if (!row) return std::nullopt;
    return AliasRecord{row->text(0), row->text(1), row->text(2)};
  });
}

std::vector<std::string> RoomStore::aliases_of_room(const std::string& room_id) {
  return db_.read([&](Connection& c) {
    std::vector<std::string> aliases;
    for (const Row& row :
         c.query("SELECT alias FROM room_aliases WHERE room_id = ? ORDER BY alias", {room_id})) {
      aliases.push_back(row.text(0));
    }
    return aliases;
  });
}

bool RoomStore::delete_alias(const std::string& alias) {
  return db_.write([&](Connection& c) {
    return c.execute("DELETE FROM room_aliases WHERE alias = ?", {alias}) > 0;
  });
}

}  // namespace myelin::storage
