#pragma once

#include <boost/json/value.hpp>
#include <string>

#include "base/matrix_error.hpp"
#include "http/router/headers.hpp"

namespace myelin::http {

// One HTTP response as the API layer builds it: no Beast types.
struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  // `value` serialised, Content-Type: application/json.
  static Response json(int status, const boost::json::value& value);
  // The spec's error body with the error's status.
  static Response error(const MatrixError& error);
};

}  // namespace myelin::http
