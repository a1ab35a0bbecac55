#include "bench/bench_documents.hpp"

#include <boost/json/array.hpp>
#include <string>

namespace myelin::bench {
namespace {

std::string pseudo_hash(int seed) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned x = 2654435761u * static_cast<unsigned>(seed + 1);
  for (int i = 0; i < 43; ++i) {
    x = x * 1103515245u + 12345u;
    out += kAlphabet[(x >> 16) % 64];
  }
  return out;
}

boost::json::object member_event(int room, int member) {
  std::string user =
      "@user" + std::to_string(member) + ":server" + std::to_string(member % 7) + ".example.org";
  return {{"type", "m.room.member"},
          {"state_key", user},
          {"sender", user},
          {"event_id", "$" + pseudo_hash(room * 1000 + member)},
          {"origin_server_ts", 1700000000000 + member},
          {"content", {{"membership", "join"}, {"displayname", "User " + std::to_string(member)}}},
          {"unsigned", {{"age", 1234}}}};
}

}  // namespace

boost::json::object sample_event(int index) {
  boost::json::array prev;
  prev.emplace_back("$" + pseudo_hash(index + 1));
  prev.emplace_back("$" + pseudo_hash(index + 2));
  boost::json::array auth;
  for (int i = 0; i < 4; ++i) auth.emplace_back("$" + pseudo_hash(index * 7 + i));
  return {
      {"auth_events", std::move(auth)},
      {"content",
       {{"body",
         "Meeting moved to 15:00 — see the agenda in the room topic. Café at the corner "
         "afterwards? 🎉 Message number " +
             std::to_string(index)},
        {"format", "org.matrix.custom.html"},
        {"formatted_body",
         "<p>Meeting moved to <b>15:00</b> — see the agenda in the <a "
         "href=\"https://matrix.to/#/!room:example.org\">room topic</a>. Café at the corner "
         "afterwards? 🎉</p>"},
        {"msgtype", "m.text"},
        {"m.mentions", {{"user_ids", boost::json::array{"@bob:example.org"}}}}}},
      {"depth", 12345 + index},
      {"hashes", {{"sha256", pseudo_hash(index + 100)}}},
      {"origin_server_ts", 1700000000000 + index},
      {"prev_events", std::move(prev)},
      {"room_id", "!OGEhHVWSdvArJzumhm:matrix.org"},
      {"sender", "@alice:example.org"},
      {"signatures",
       {{"example.org",
         {{"ed25519:a_XyZ1", pseudo_hash(index + 200) + pseudo_hash(index + 300).substr(0, 43)}}}}},
      {"type", "m.room.message"},
      {"unsigned", {{"age", 4567}, {"transaction_id", "m1700000000000." + std::to_string(index)}}},
  };
}

boost::json::object sample_sync(int rooms, int events_per_room) {
  boost::json::object join;
  for (int r = 0; r < rooms; ++r) {
    boost::json::array timeline;
    for (int e = 0; e < events_per_room; ++e) {
      boost::json::object event = sample_event(r * events_per_room + e);
      event.erase("auth_events");
      event.erase("prev_events");
      event.erase("hashes");
      event.erase("signatures");
      event.erase("depth");
      event["event_id"] = "$" + pseudo_hash(r * 31 + e);
      timeline.push_back(std::move(event));
    }
    boost::json::array state;
    for (int m = 0; m < 10; ++m) state.push_back(member_event(r, m));
    std::string room_id = "!room" + std::to_string(r) + ":example.org";
    join[room_id] = {
        {"timeline", {{"events", std::move(timeline)}, {"limited", true}, {"prev_batch", "t47-1"}}},
        {"state", {{"events", std::move(state)}}},
        {"ephemeral",
         {{"events",
           boost::json::array{
               {{"type", "m.receipt"},
                {"content",
                 {{"$" + pseudo_hash(r),
                   {{"m.read", {{"@bob:example.org", {{"ts", 1700000000000}}}}}}}}}}}}}},
        {"unread_notifications", {{"highlight_count", 0}, {"notification_count", r % 5}}},
        {"summary", {{"m.joined_member_count", 10}, {"m.invited_member_count", 0}}}};
  }
  return {
      {"next_batch", "s72595_4483_1934"},
      {"rooms", {{"join", std::move(join)}, {"invite", boost::json::object{}}}},
      {"account_data",
       {{"events",
         boost::json::array{{{"type", "m.push_rules"},
                             {"content", {{"global", {{"override", boost::json::array{}}}}}}}}}}},
      {"presence", {{"events", boost::json::array{}}}}};
}

}  // namespace myelin::bench
