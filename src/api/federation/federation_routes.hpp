#pragma once

#include <vector>

#include "http/router/route.hpp"

namespace myelin::api {

// The server-server API (/_matrix/federation/*) and the key API (/_matrix/key/*), one list per
// topic; api/routes.cpp puts them in the route table.

}  // namespace myelin::api
