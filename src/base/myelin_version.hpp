#pragma once

#include <string_view>

// The release string, here in base so that every layer (the CLI's --version, the admin API's
// server_version, federation's /version) reports the same one. The build may set MYELIN_VERSION.
#ifndef MYELIN_VERSION
#define MYELIN_VERSION "0.1.0"
#endif

namespace myelin {

inline constexpr std::string_view kMyelinVersion = MYELIN_VERSION;

}  // namespace myelin
