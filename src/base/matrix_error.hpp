#pragma once

#include <boost/json/object.hpp>
#include <stdexcept>
#include <string>

#include "base/errcode.hpp"

namespace myelin {

// An error the spec defines a response for. Handlers throw it; the HTTP boundary catches it once
// and renders {"errcode", "error", ...extra} with status().
class MatrixError : public std::runtime_error {
 public:
  MatrixError(ErrCode code, std::string message, boost::json::object extra = {})
      : std::runtime_error(std::move(message)), code_(code), extra_(std::move(extra)) {}

  // M_UNRECOGNIZED is the one code whose status depends on why the request was not understood
  // (spec, "Standard error response": 404 for an unknown endpoint, 405 for a known endpoint
  // with the wrong method); a request target that cannot be decoded is a 400, as in Synapse.
  // Only the HTTP layer constructs these; everything else derives the status from the code.
  enum class Unrecognized { kEndpoint, kMethod, kBadRequest };
  static MatrixError unrecognized(Unrecognized why, std::string message);
  // M_UNKNOWN is a server error (500) unless the spec names it for a client mistake, as for an
  // unknown login type or forgetting a room one is still in (400, as Synapse answers).
  static MatrixError unknown_bad_request(std::string message);
  // M_UNKNOWN as 409: the spec's answer to PUT /directory/room/{roomAlias} for a taken alias.
  static MatrixError unknown_conflict(std::string message);
  // M_UNKNOWN as 502: a remote server could not be asked (Synapse's "Failed to fetch room
  // list" for /publicRooms?server=…).
  static MatrixError unknown_bad_gateway(std::string message);

  ErrCode code() const { return code_; }
  const boost::json::object& extra() const { return extra_; }

  // http_status(code()), unless this is one of the unrecognized() errors above.
  int status() const;

  // The spec's error body: {"errcode": "M_…", "error": "…", …extra}.
  boost::json::object to_json() const;

 private:
  ErrCode code_;
  boost::json::object extra_;
  int status_override_ = 0;  // 0: derive from code_
};

}  // namespace myelin
