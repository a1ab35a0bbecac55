#include "base/matrix_error.hpp"

namespace myelin {

boost::json::object MatrixError::to_json() const {
  boost::json::object body = extra_;
  body["errcode"] = errcode_name(code_);
  body["error"] = what();
  return body;
}

}  // namespace myelin
