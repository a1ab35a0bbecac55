#pragma once

#include <vector>

#include "http/router/route.hpp"

namespace myelin::api {

// THE route table: every endpoint the server answers, with its auth kind and rate-limit class.
std::vector<http::Route> routes();

}  // namespace myelin::api
