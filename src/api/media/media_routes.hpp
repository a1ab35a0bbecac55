#pragma once

#include <vector>

#include "http/router/route.hpp"

// The client-server API's content repository (spec: "Content repository"): uploads, downloads
// and the upload limit, under the authenticated /_matrix/client/v1/media paths and the legacy
// /_matrix/media ones clients still call.
namespace myelin::api {

std::vector<http::Route> media_routes();

}  // namespace myelin::api
