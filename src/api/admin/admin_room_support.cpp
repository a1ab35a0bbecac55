#include "api/admin/admin_room_support.hpp"

#include "base/matrix_error.hpp"
#include "protocol/ids/room_alias.hpp"
#include "protocol/ids/room_id.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

bj::value nullable(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return bj::value(*text);
}

}  // namespace

std::string legal_room_id(const http::Request& request) {
  const std::string& text = request.param("roomId");
  if (!ids::RoomId::parse(text)) {
    throw MatrixError::unknown_bad_request(text + " is not a legal room ID");
  }
  return text;
}

boost::asio::awaitable<std::string> resolve_room_id_or_alias(Services& services,
                                                             std::string id_or_alias) {
  if (ids::RoomId::parse(id_or_alias)) co_return id_or_alias;
  if (!ids::RoomAlias::parse(id_or_alias)) {
    throw MatrixError::unknown_bad_request(id_or_alias + " was not legal room ID or room alias");
  }
  storage::Store& store = services.ctx.store;
  auto lookup = [&store, id_or_alias] { return store.rooms.alias(id_or_alias); };
  auto alias = co_await services.ctx.db(std::move(lookup));
  if (!alias) throw MatrixError(ErrCode::kNotFound, "Room alias " + id_or_alias + " not found");
  co_return alias->room_id;
}

boost::asio::awaitable<services::RoomStatePtr> known_room(Services& services, std::string room_id) {
  services::RoomStatePtr room = co_await services.rooms.room(room_id);
  if (!room) throw MatrixError(ErrCode::kNotFound, "Room not found");
  co_return room;
}

bj::object summary_json(const services::RoomSummary& summary) {
  return bj::object{{"room_id", summary.room_id},
                    {"name", nullable(summary.name)},
                    {"canonical_alias", nullable(summary.canonical_alias)},
                    {"joined_members", summary.joined_members},
                    {"joined_local_members", summary.joined_local_members},
                    {"version", summary.version},
                    {"creator", summary.creator},
                    {"encryption", nullable(summary.encryption)},
                    {"federatable", summary.federatable},
                    {"public", summary.is_public},
                    {"join_rules", nullable(summary.join_rules)},
                    {"guest_access", nullable(summary.guest_access)},
                    {"history_visibility", nullable(summary.history_visibility)},
                    {"state_events", summary.state_events},
                    {"room_type", nullable(summary.room_type)}};
}

}  // namespace myelin::api
