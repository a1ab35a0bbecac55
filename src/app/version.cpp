#include "app/version.hpp"

#include "base/myelin_version.hpp"

namespace myelin {

std::string_view version() { return kMyelinVersion; }

}  // namespace myelin
