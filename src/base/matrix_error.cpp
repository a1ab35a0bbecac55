#include "base/matrix_error.hpp"

namespace myelin {

MatrixError MatrixError::unknown_bad_request(std::string message) {
  MatrixError error(ErrCode::kUnknown, std::move(message));
  error.status_override_ = 400;
  return error;
}

MatrixError MatrixError::unknown_conflict(std::string message) {
  MatrixError error(ErrCode::kUnknown, std::move(message));
  error.status_override_ = 409;
  return error;
}

MatrixError MatrixError::unknown_bad_gateway(std::string message) {
  MatrixError error(ErrCode::kUnknown, std::move(message));
  error.status_override_ = 502;
  return error;
}

MatrixError MatrixError::unrecognized(Unrecognized why, std::string message) {
  MatrixError error(ErrCode::kUnrecognized, std::move(message));
  switch (why) {
    case Unrecognized::kEndpoint:
      error.status_override_ = 404;
      break;
    case Unrecognized::kMethod:
      error.status_override_ = 405;
      break;
    case Unrecognized::kBadRequest:
      error.status_override_ = 400;
      break;
  }
  return error;
}

int MatrixError::status() const {
  return status_override_ != 0 ? status_override_ : http_status(code_);
}

boost::json::object MatrixError::to_json() const {
  boost::json::object body = extra_;
  body["errcode"] = errcode_name(code_);
  body["error"] = what();
  return body;
}

}  // namespace myelin
