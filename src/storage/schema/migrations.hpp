#pragma once

#include "storage/sql/migration.hpp"

// One function per migration after the first, each in its own file
// (migration_v<N>_<topic>.cpp), so a feature's tables live beside nothing else.
// schema_migrations() lists them in version order.
namespace myelin::storage {

sql::Migration migration_v1_core();
sql::Migration migration_v2_registration_tokens();
sql::Migration migration_v3_threepids();
sql::Migration migration_v4_sso();
sql::Migration migration_v5_user_admin();
sql::Migration migration_v6_room_admin();
sql::Migration migration_v7_ratelimit();
sql::Migration migration_v9_media();
sql::Migration migration_v10_pushers();
sql::Migration migration_v11_server_keys();
sql::Migration migration_v12_federation_sender();
sql::Migration migration_v13_remote_events();
sql::Migration migration_v14_device_messages();
sql::Migration migration_v15_e2ee_keys();
sql::Migration migration_v16_unread_counts();
sql::Migration migration_v17_delivery_key_age();

}  // namespace myelin::storage
