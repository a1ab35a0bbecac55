#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.hpp"
#include "protocol/ids/server_name.hpp"

namespace myelin::services::federation_check {

// The m.server of a /.well-known/matrix/server body (spec "Resolving server names" step 3), or
// why the body is unusable (which makes discovery skip to SRV): not JSON, not an object, no
// m.server, not a string, not a valid server name.
Expected<ids::ServerName> parse_well_known(std::string_view body);

// What /_matrix/key/v2/server answered, judged as another server judges it.
struct KeyDocumentCheck {
  std::string server_name;            // as the document says
  std::vector<std::string> key_ids;   // verify_keys
  std::vector<std::string> problems;  // empty: usable
  bool server_name_wrong = false;     // problems include a server_name mismatch
  bool expired = false;               // valid_until_ts is in the past
};

// server_name must be `expected_server_name`; every verify_key must be well-formed and sign
// the document itself (as `expected_server_name`); valid_until_ts must be after now_ms.
KeyDocumentCheck check_key_document(std::string_view body, std::string_view expected_server_name,
                                    std::int64_t now_ms);

}  // namespace myelin::services::federation_check
