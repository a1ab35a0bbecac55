#include "http/router/response.hpp"

#include <boost/json/serialize.hpp>

namespace myelin::http {

Response Response::json(int status, const boost::json::value& value) {
  Response response;
  response.status = status;
  response.headers.set("Content-Type", "application/json");
  response.body = boost::json::serialize(value);
  return response;
}

Response Response::error(const MatrixError& error) { return json(error.status(), error.to_json()); }

}  // namespace myelin::http
