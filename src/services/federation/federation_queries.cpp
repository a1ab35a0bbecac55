// The query endpoints of the server-server API: profiles, aliases, the public room directory,
// device lists and end-to-end keys of our users.
#include <set>

#include "base/matrix_error.hpp"
#include "protocol/ids/room_alias.hpp"
#include "services/federation/federation_reads.hpp"
#include "services/federation/server_visibility.hpp"

namespace myelin::services {

namespace bj = boost::json;

namespace {

bool is_local(std::string_view user_id, const std::string& server_name) {
  return server_of_user(user_id) == server_name;
}

}  // namespace

asio::awaitable<bj::object> FederationReads::profile(std::string user_id,
                                                     std::optional<std::string> field) {
  if (field && *field != "displayname" && *field != "avatar_url") {
    throw MatrixError(ErrCode::kInvalidParam, "Invalid profile field: " + *field);
  }
  // Only our own users' profiles are ours to give (spec: the user must be local).
  if (!is_local(user_id, ctx_.server_name())) {
    throw MatrixError(ErrCode::kNotFound, "User is not hosted on this homeserver");
  }
  storage::Store& store = ctx_.store;
  auto load = [&store, user_id]() -> std::optional<storage::Profile> {
    if (!store.accounts.user(user_id)) return std::nullopt;
    return store.accounts.profile(user_id);
  };
  std::optional<storage::Profile> profile = co_await ctx_.db(std::move(load));
  if (!profile) throw MatrixError(ErrCode::kNotFound, "Profile was not found");
  bj::object body;
  if (profile->displayname && (!field || *field == "displayname")) {
    body["displayname"] = *profile->displayname;
  }
  if (profile->avatar_url && (!field || *field == "avatar_url")) {
    body["avatar_url"] = *profile->avatar_url;
  }
  // Spec: 404 when "the queried field does not exist".
  if (field && body.empty()) throw MatrixError(ErrCode::kNotFound, "The field is not set");
  co_return body;
}

asio::awaitable<RoomAliasAnswer> FederationReads::directory(std::string room_alias) {
  auto alias = ids::RoomAlias::parse(room_alias);
  if (!alias) throw MatrixError(ErrCode::kInvalidParam, "Invalid room alias: " + room_alias);
  if (alias->server_name().to_string() != ctx_.server_name()) {
    throw MatrixError(ErrCode::kNotFound, "Room alias is not hosted on this homeserver");
  }
  storage::Store& store = ctx_.store;
  auto load = [&store, room_alias] { return store.rooms.alias(room_alias); };
  std::optional<storage::AliasRecord> record = co_await ctx_.db(std::move(load));
  if (!record) throw MatrixError(ErrCode::kNotFound, "Room alias " + room_alias + " not found");
  RoomAliasAnswer answer;
  answer.room_id = record->room_id;
  answer.servers.push_back(ctx_.server_name());
  // The room's other servers, each once, so the asker may join through any of them.
  RoomStatePtr room = co_await rooms_.room(record->room_id);
  if (room) {
    std::set<std::string> others;
    for (const std::string& user_id : room->joined_users()) {
      std::string server(server_of_user(user_id));
      if (!server.empty() && server != ctx_.server_name()) others.insert(std::move(server));
    }
    answer.servers.insert(answer.servers.end(), others.begin(), others.end());
  }
  co_return answer;
}

asio::awaitable<PublicRoomsPage> FederationReads::public_rooms(FederationPublicRoomsQuery query) {
  std::vector<PublicRoomEntry> entries;
  // Rooms of application services' networks: none until application services arrive.
  if (!query.only_third_party_network) {
    storage::Store& store = ctx_.store;
    auto load = [&store] { return store.rooms.public_room_ids(); };
    std::vector<std::string> room_ids = co_await ctx_.db(std::move(load));
    for (std::string& room_id : room_ids) {
      RoomStatePtr room = co_await rooms_.room(std::move(room_id));
      if (!room) continue;
      auto entry = public_room_entry(*room);
      if (entry && matches_filter(*entry, query.filter)) entries.push_back(std::move(*entry));
    }
  }
  auto page = paginate_public_rooms(std::move(entries), query.limit, query.since);
  if (!page) throw MatrixError(ErrCode::kInvalidParam, page.error());
  co_return std::move(*page);
}

asio::awaitable<bj::object> FederationReads::user_devices(std::string user_id) {
  if (!is_local(user_id, ctx_.server_name())) {
    throw MatrixError(ErrCode::kInvalidParam, "User is not hosted on this homeserver");
  }
  storage::Store& store = ctx_.store;
  // The device list's version is its latest change on the stream: the stream_id its
  // m.device_list_update EDUs carry (0 before any change).
  struct Listed {
    std::vector<storage::DeviceRecord> devices;
    std::int64_t stream_id = 0;
  };
  auto load = [&store, user_id]() -> std::optional<Listed> {
    if (!store.accounts.user(user_id)) return std::nullopt;
    return Listed{store.accounts.devices(user_id), store.device_lists.latest(user_id).value_or(0)};
  };
  std::optional<Listed> listed = co_await ctx_.db(std::move(load));
  if (!listed) throw MatrixError(ErrCode::kNotFound, "Unknown user " + user_id);
  const std::vector<storage::DeviceRecord>* devices = &listed->devices;
  DeviceKeysQuery wanted;
  wanted[user_id] = {};
  std::string any_requester;  // another server: no device names
  KeysQueryAnswer keys = co_await local_keys_.query(std::move(wanted), any_requester);
  bj::object* device_keys = keys.device_keys[user_id].if_object();
  bj::array list;
  for (const storage::DeviceRecord& device : *devices) {
    bj::object entry{{"device_id", device.device_id}};
    if (device.display_name) entry["device_display_name"] = *device.display_name;
    // A device that never uploaded keys goes without, as Synapse lists it.
    if (bj::value* signed_keys =
            device_keys ? device_keys->if_contains(device.device_id) : nullptr) {
      entry["keys"] = std::move(*signed_keys);
    }
    list.push_back(std::move(entry));
  }
  bj::object answer{
      {"user_id", user_id}, {"stream_id", listed->stream_id}, {"devices", std::move(list)}};
  if (bj::value* master = keys.master_keys.if_contains(user_id)) {
    answer["master_key"] = std::move(*master);
  }
  if (bj::value* self_signing = keys.self_signing_keys.if_contains(user_id)) {
    answer["self_signing_key"] = std::move(*self_signing);
  }
  co_return answer;
}

asio::awaitable<bj::object> FederationReads::query_keys(bj::object device_keys) {
  // Every local user asked about gets an entry ({} without keys); users of other servers are
  // not ours to answer for and are left out (LocalKeys skips them), as Synapse does.
  DeviceKeysQuery wanted = parse_device_keys_query(device_keys);
  std::string any_requester;  // another server: no device names
  KeysQueryAnswer keys = co_await local_keys_.query(std::move(wanted), any_requester);
  co_return bj::object{{"device_keys", std::move(keys.device_keys)},
                       {"master_keys", std::move(keys.master_keys)},
                       {"self_signing_keys", std::move(keys.self_signing_keys)}};
}

asio::awaitable<bj::object> FederationReads::claim_keys(bj::object one_time_keys) {
  OneTimeKeysClaim wanted = parse_one_time_keys_claim(one_time_keys);
  bj::object claimed = co_await local_keys_.claim(std::move(wanted));
  co_return bj::object{{"one_time_keys", std::move(claimed)}};
}

}  // namespace myelin::services
