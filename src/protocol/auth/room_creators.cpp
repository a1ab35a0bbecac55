#include "protocol/auth/room_creators.hpp"

#include <algorithm>

#include "protocol/json/access.hpp"

namespace myelin::auth {

std::vector<std::string> room_creators(const events::Pdu& create) {
  const RoomVersion& version = create.room_version();
  std::vector<std::string> creators;
  if (!version.implicit_room_creator) {
    if (auto creator = json::find_string(create.content(), "creator")) {
      creators.emplace_back(*creator);
    }
    return creators;
  }
  creators.push_back(create.sender());
  if (!version.privileged_creators) return creators;
  if (const boost::json::array* extra = json::find_array(create.content(), "additional_creators")) {
    for (const boost::json::value& user : *extra) {
      if (!user.is_string()) continue;
      std::string id(json::view(user.get_string()));
      if (std::find(creators.begin(), creators.end(), id) == creators.end()) {
        creators.push_back(std::move(id));
      }
    }
  }
  return creators;
}

}  // namespace myelin::auth
