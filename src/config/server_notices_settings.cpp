#include "config/server_notices_settings.hpp"

#include "config/yaml_readers.hpp"
#include "protocol/ids/user_id.hpp"

namespace myelin::config {

namespace {

void read_server_notices(const YAML::Node& node, Config& config, ConfigErrors& errors) {
  if (!check_mapping(node, "server_notices",
                     {"system_mxid_localpart", "system_mxid_display_name", "system_mxid_avatar_url",
                      "room_name", "room_avatar_url", "room_topic", "auto_join"},
                     errors)) {
    return;
  }
  ServerNoticesConfig& notices = config.server_notices;
  struct StringKey {
    const char* name;
    std::string* out;
  };
  for (const StringKey& key :
       {StringKey{"system_mxid_localpart", &notices.system_mxid_localpart},
        StringKey{"system_mxid_display_name", &notices.system_mxid_display_name},
        StringKey{"system_mxid_avatar_url", &notices.system_mxid_avatar_url},
        StringKey{"room_name", &notices.room_name},
        StringKey{"room_avatar_url", &notices.room_avatar_url},
        StringKey{"room_topic", &notices.room_topic}}) {
    if (node[key.name]) {
      read_string(node[key.name], std::string("server_notices.") + key.name, *key.out, errors);
    }
  }
  if (node["auto_join"]) {
    read_bool(node["auto_join"], "server_notices.auto_join", notices.auto_join, errors);
  }
  if (node.size() > 0 && notices.system_mxid_localpart.empty()) {
    report(errors, "server_notices.system_mxid_localpart", "is required for server notices");
  } else if (notices.enabled() && !ids::is_valid_user_localpart(notices.system_mxid_localpart)) {
    report(errors, "server_notices.system_mxid_localpart",
           "must be a valid user localpart (lower-case a-z, 0-9, ._=-/+)");
  }
  for (const std::string* url : {&notices.system_mxid_avatar_url, &notices.room_avatar_url}) {
    if (!url->empty() && url->rfind("mxc://", 0) != 0) {
      report(errors,
             url == &notices.room_avatar_url ? "server_notices.room_avatar_url"
                                             : "server_notices.system_mxid_avatar_url",
             "must be an mxc:// URI");
    }
  }
}

}  // namespace

std::vector<Setting> server_notices_settings() {
  return {
      {.key = "server_notices",
       .doc = "Server notices: messages from the server to a user, sent with the admin API\n"
              "(POST /_synapse/admin/v1/send_server_notice) into a room of the user's own,\n"
              "tagged m.server_notice. Off unless system_mxid_localpart is set. For example:\n"
              "server_notices:\n"
              "  system_mxid_localpart: notices\n"
              "  system_mxid_display_name: \"Server Notices\"\n"
              "  system_mxid_avatar_url: \"mxc://example.org/abcdef\"\n"
              "  room_name: \"Server Notices\"   # the default\n"
              "  room_avatar_url: \"mxc://example.org/ghijkl\"\n"
              "  room_topic: \"Notices from your server\"\n"
              "  auto_join: false   # true: users are joined rather than invited",
       .default_yaml = "{}",
       .sample = {},
       .read = [](const YAML::Node& node, Config& config,
                  ConfigErrors& errors) { read_server_notices(node, config, errors); }},
  };
}

}  // namespace myelin::config
