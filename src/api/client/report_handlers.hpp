#pragma once

#include <vector>

#include "http/router/route.hpp"

// Reporting content (spec client-server API "Reporting content"): events and rooms.
namespace myelin::api {

// POST /_matrix/client/(r0|v3)/rooms/{roomId}/report/{eventId}, /v3/rooms/{roomId}/report.
std::vector<http::Route> report_routes();

}  // namespace myelin::api
