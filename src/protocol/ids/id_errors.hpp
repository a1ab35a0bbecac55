#pragma once

#include "base/errcode.hpp"

namespace myelin::ids {

// Where an invalid identifier came from decides the errcode the API answers with.
enum class IdSource {
  kRegistrationUsername,  // the username of /register: M_INVALID_USERNAME (spec, register)
  kRequestParameter,      // an ID in a request path or body: M_INVALID_PARAM
  kRequestBody,           // an ID a JSON body must hold, e.g. an event's sender: M_BAD_JSON
};

constexpr ErrCode errcode_for_invalid_id(IdSource source) {
  switch (source) {
    case IdSource::kRegistrationUsername:
      return ErrCode::kInvalidUsername;
    case IdSource::kRequestParameter:
      return ErrCode::kInvalidParam;
    case IdSource::kRequestBody:
      return ErrCode::kBadJson;
  }
  return ErrCode::kInvalidParam;
}

}  // namespace myelin::ids
