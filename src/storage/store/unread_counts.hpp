#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "storage/sql/connection.hpp"
#include "storage/store/event_records.hpp"

namespace myelin::storage {

// Unread notification and highlight counts for /sync (each joined room's
// "unread_notifications"): the events that notify a user (push rules) after that user's read
// position (their latest m.read or m.read.private receipt).
//
// Two tables hold them (schema v16). event_notifications has one row per notifying event with
// everyone it notifies: the record that counts are taken from. room_unread_counts keeps each
// (room, user)'s count as of its read_position, so that a /sync reads one row rather than
// counting. One row per event plus counters in one small table, clustered by room, touch a few
// database pages per event; a row per notified member (the v1 event_push_actions) touched one
// page per member of a growing table and was most of what a message cost to commit.
//
// A counter is a cache that must equal the count taken from event_notifications after its
// read_position: new events add to it (they come after every read position), a new receipt
// recounts it, purging events recounts the room. When it has fallen behind the receipts anyway,
// unread_counts() counts from event_notifications instead, so the answer is always exact.

// Records who `event_id` (at `position` in `room_id`) notifies and adds it to their counters.
// Runs inside the event's transaction.
void record_notifications(sql::Connection& c, const std::string& room_id, std::int64_t position,
                          const std::string& event_id, const std::vector<PushAction>& actions);

// {notifications, highlights} for `user_id` in `room_id` after `read_position`.
std::pair<std::int64_t, std::int64_t> unread_counts_in(sql::Connection& c,
                                                       const std::string& user_id,
                                                       const std::string& room_id,
                                                       std::int64_t read_position);

// Brings the user's counter in the room to their current read position (after a receipt).
void recount_unread(sql::Connection& c, const std::string& room_id, const std::string& user_id);

// Recounts every counter of the room (after some of its events were purged).
void recount_room_unread(sql::Connection& c, const std::string& room_id);

// The user's read position in the room: their latest m.read or m.read.private receipt's event
// position, 0 when there is none.
std::int64_t read_position_in(sql::Connection& c, const std::string& user_id,
                              const std::string& room_id);

}  // namespace myelin::storage
