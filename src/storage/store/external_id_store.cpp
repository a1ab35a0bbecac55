#include "storage/store/external_id_store.hpp"

namespace myelin::storage {

using sql::Connection;

std::optional<std::string> ExternalIdStore::user_of(const std::string& auth_provider,
                                                    const std::string& external_id) {
  return db_.read([&](Connection& c) -> std::optional<std::string> {
    auto row = c.query_optional(
        "SELECT user_id FROM user_external_ids WHERE auth_provider = ? AND external_id = ?",
        {auth_provider, external_id});
    if (!row) return std::nullopt;
    return row->text(0);
  });
}

bool ExternalIdStore::link(const std::string& auth_provider, const std::string& external_id,
                           const std::string& user_id) {
  return db_.write([&](Connection& c) {
    return c.execute(
               "INSERT INTO user_external_ids (auth_provider, external_id, user_id)"
               " VALUES (?, ?, ?) ON CONFLICT (auth_provider, external_id) DO NOTHING",
               {auth_provider, external_id, user_id}) == 1;
  });
}

std::vector<ExternalId> ExternalIdStore::of_user(const std::string& user_id) {
  return db_.read([&](Connection& c) {
    std::vector<ExternalId> out;
    for (const auto& row :
         c.query("SELECT auth_provider, external_id FROM user_external_ids WHERE user_id = ?"
                 " ORDER BY auth_provider, external_id",
                 {user_id})) {
      out.push_back({row.text(0), row.text(1)});
    }
    return out;
  });
}

bool ExternalIdStore::unlink(const std::string& auth_provider, const std::string& external_id) {
  return db_.write([&](Connection& c) {
    return c.execute("DELETE FROM user_external_ids WHERE auth_provider = ? AND external_id = ?",
                     {auth_provider, external_id}) == 1;
  });
}

}  // namespace myelin::storage
