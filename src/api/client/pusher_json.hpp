#pragma once

#include <boost/json/array.hpp>
#include <vector>

#include "storage/store/pusher_store.hpp"

namespace myelin::api {

// A user's pushers as GET /pushers lists them (the admin API shows the same).
boost::json::array pushers_json(const std::vector<storage::PusherRecord>& pushers);

}  // namespace myelin::api
