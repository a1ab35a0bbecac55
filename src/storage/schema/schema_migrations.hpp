#pragma once

#include <vector>

#include "storage/sql/migration.hpp"

namespace myelin::storage {

// The homeserver's schema, as the ordered list of migrations the Migrator applies at start-up.
// A released migration is never edited: changes are new migrations appended to the list.
const std::vector<sql::Migration>& schema_migrations();

}  // namespace myelin::storage
