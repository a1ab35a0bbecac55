#include "app/version.hpp"

#ifndef MYELIN_VERSION
#define MYELIN_VERSION "0.1.0"
#endif

namespace myelin {

std::string_view version() { return MYELIN_VERSION; }

}  // namespace myelin
