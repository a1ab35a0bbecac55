#pragma once

#include <boost/json/object.hpp>
#include <stdexcept>
#include <string>

#include "base/errcode.hpp"

namespace myelin {

// An error the spec defines a response for. Handlers throw it; the HTTP boundary catches it once
// and renders {"errcode", "error", ...extra} with http_status(code).
class MatrixError : public std::runtime_error {
 public:
  MatrixError(ErrCode code, std::string message, boost::json::object extra = {})
      : std::runtime_error(std::move(message)), code_(code), extra_(std::move(extra)) {}

  ErrCode code() const { return code_; }
  const boost::json::object& extra() const { return extra_; }

  // The spec's error body: {"errcode": "M_…", "error": "…", …extra}.
  boost::json::object to_json() const;

 private:
  ErrCode code_;
  boost::json::object extra_;
};

}  // namespace myelin
