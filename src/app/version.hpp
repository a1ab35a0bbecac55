#pragma once

#include <string_view>

namespace myelin {

// The server's version, as /_matrix/federation/v1/version and `myelin --version` report it.
std::string_view version();

}  // namespace myelin
