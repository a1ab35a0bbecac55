#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/sql/database.hpp"

namespace myelin::storage {

// An identity at a single sign-on provider linked to a local account.
struct ExternalId {
  std::string auth_provider;  // the provider's idp_id, e.g. "oidc-keycloak"
  std::string external_id;    // its subject ("sub" claim)
};

// Links between SSO identities and local users (Synapse's user_external_ids). Every call
// blocks: run on a worker pool.
class ExternalIdStore {
 public:
  explicit ExternalIdStore(sql::Database& db) : db_(db) {}

  std::optional<std::string> user_of(const std::string& auth_provider,
                                     const std::string& external_id);
  // False when the identity is already linked (to anyone): the first link wins.
  bool link(const std::string& auth_provider, const std::string& external_id,
            const std::string& user_id);
  std::vector<ExternalId> of_user(const std::string& user_id);
  // False when there was no such link.
  bool unlink(const std::string& auth_provider, const std::string& external_id);

 private:
  sql::Database& db_;
};

}  // namespace myelin::storage
