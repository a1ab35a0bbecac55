#pragma once

#include <map>
#include <string>

namespace myelin::sql {

// One schema change. `sql` is written once (with the dialect's {{TOKENS}}) unless a backend
// needs its own text, keyed by Dialect::name() in `per_backend`.
struct Migration {
  int version = 0;
  std::string description;
  std::string sql;
  std::map<std::string, std::string> per_backend = {};

  const std::string& sql_for(const std::string& backend) const {
    auto it = per_backend.find(backend);
    return it == per_backend.end() ? sql : it->second;
  }
};

}  // namespace myelin::sql
