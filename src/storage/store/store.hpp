#pragma once

#include <memory>
#include <string>

#include "storage/sql/database.hpp"
#include "storage/store/account_store.hpp"
#include "storage/store/device_inbox_store.hpp"
#include "storage/store/device_list_store.hpp"
#include "storage/store/e2ee_key_store.hpp"
#include "storage/store/event_store.hpp"
#include "storage/store/external_id_store.hpp"
#include "storage/store/federation_sender_store.hpp"
#include "storage/store/media_store.hpp"
#include "storage/store/pusher_store.hpp"
#include "storage/store/rate_limit_override_store.hpp"
#include "storage/store/registration_token_store.hpp"
#include "storage/store/room_admin_store.hpp"
#include "storage/store/room_store.hpp"
#include "storage/store/server_key_store.hpp"
#include "storage/store/stream_counter.hpp"
#include "storage/store/threepid_store.hpp"
#include "storage/store/user_admin_store.hpp"
#include "storage/store/user_data_store.hpp"

namespace myelin::storage {

// Everything the homeserver persists, as typed stores over one database. Only storage speaks SQL.
class Store {
 public:
  // Takes the database with its schema already migrated; starts the stream at the highest
  // position stored.
  explicit Store(std::unique_ptr<sql::Database> db);

  // Opens (creating) the SQLite database at `path` and applies pending migrations.
  static std::unique_ptr<Store> open_sqlite(const std::string& path);

  sql::Database& database() { return *db_; }
  StreamCounter& stream() { return stream_; }
  void close() { db_->close(); }

 private:
  std::unique_ptr<sql::Database> db_;
  StreamCounter stream_;

 public:
  AccountStore accounts{*db_};
  EventStore events{*db_, stream_};
  RoomStore rooms{*db_};
  UserDataStore user_data{*db_, stream_};
  RegistrationTokenStore registration_tokens{*db_};
  ThreepidStore threepids{*db_};
  RateLimitOverrideStore rate_limit_overrides{*db_};
  MediaStore media{*db_};
  UserAdminStore user_admin{*db_};
  RoomAdminStore room_admin{*db_};
  ExternalIdStore external_ids{*db_};  // SSO identities linked to users
  PusherStore pushers{*db_};
  FederationSenderStore federation_sender{*db_};  // outbox and destinations' back-off
  ServerKeyStore server_keys{*db_};               // other servers' verify keys
  DeviceInboxStore device_inbox{*db_, stream_};   // to-device messages waiting for their device
  DeviceListStore device_lists{*db_, stream_};    // whose devices changed when
  E2eeKeyStore e2ee_keys{*db_};                   // devices' end-to-end encryption keys
};

}  // namespace myelin::storage
