#include "api/admin/admin_user_support.hpp"

#include "api/client/json_body.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

bj::value optional_value(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return bj::value(*text);
}

bj::value optional_value(const std::optional<std::int64_t>& number) {
  if (!number) return nullptr;
  return bj::value(*number);
}

}  // namespace

std::string local_user_param(http::RequestContext& ctx, const std::string& non_local) {
  std::string user_id = user_id_param(ctx.request);
  if (!ctx.services->accounts.is_local(user_id)) throw MatrixError::unknown_bad_request(non_local);
  return user_id;
}

boost::asio::awaitable<storage::AdminUserView> require_user(Services& services,
                                                            std::string user_id) {
  storage::Store& store = services.ctx.store;
  auto load = [&store, user_id] { return store.user_admin.user(user_id); };
  std::optional<storage::AdminUserView> user = co_await services.ctx.db(std::move(load));
  if (!user) throw MatrixError(ErrCode::kNotFound, "User not found");
  co_return std::move(*user);
}

bj::object user_list_entry(const storage::AdminUserView& user) {
  return {
      {"name", user.user_id},
      {"user_type", optional_value(user.user_type)},
      {"is_guest", user.is_guest},
      {"admin", user.is_admin},
      {"deactivated", user.deactivated},
      {"erased", user.flags.erased},
      {"shadow_banned", user.flags.shadow_banned},
      {"displayname", optional_value(user.displayname)},
      {"avatar_url", optional_value(user.avatar_url)},
      {"creation_ts", user.created_ts},
      {"last_seen_ts", optional_value(user.last_seen_ts)},
      {"locked", user.flags.locked},
      {"suspended", user.flags.suspended},
  };
}

boost::asio::awaitable<bj::object> user_details(Services& services, std::string user_id) {
  storage::AdminUserView user = co_await require_user(services, user_id);
  co_await services.user_admin.flush_connections();
  // Re-read so that last_seen_ts includes this very moment's connections.
  user = co_await require_user(services, user_id);
  storage::Store& store = services.ctx.store;
  auto load = [&store, user_id] { return store.threepids.threepids_of(user_id); };
  std::vector<storage::Threepid> bound = co_await services.ctx.db(std::move(load));
  bj::array threepids;
  for (const storage::Threepid& threepid : bound) {
    threepids.push_back(bj::object{{"medium", threepid.medium},
                                   {"address", threepid.address},
                                   {"added_at", threepid.added_at},
                                   {"validated_at", threepid.validated_at}});
  }
  auto load_links = [&store, user_id] { return store.external_ids.of_user(user_id); };
  std::vector<storage::ExternalId> links = co_await services.ctx.db(std::move(load_links));
  bj::array external_ids;
  for (const storage::ExternalId& link : links) {
    external_ids.push_back(
        bj::object{{"auth_provider", link.auth_provider}, {"external_id", link.external_id}});
  }
  co_return bj::object{
      {"name", user.user_id},
      {"displayname", optional_value(user.displayname)},
      {"threepids", std::move(threepids)},
      {"avatar_url", optional_value(user.avatar_url)},
      {"is_guest", user.is_guest},
      {"admin", user.is_admin},
      {"deactivated", user.deactivated},
      {"erased", user.flags.erased},
      {"shadow_banned", user.flags.shadow_banned},
      {"creation_ts", user.created_ts / 1000},  // seconds, unlike the list (Synapse)
      {"last_seen_ts", optional_value(user.last_seen_ts)},
      {"appservice_id", nullptr},
      {"consent_server_notice_sent", nullptr},
      {"consent_version", nullptr},
      {"consent_ts", nullptr},
      {"external_ids", std::move(external_ids)},
      {"user_type", optional_value(user.user_type)},
      {"locked", user.flags.locked},
      {"suspended", user.flags.suspended},
  };
}

}  // namespace myelin::api
