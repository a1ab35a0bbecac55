#pragma once

#include "base/errcode.hpp"

namespace myelin::ids {

// Where an invalid identifier came from decides the errcode the API answers with.
enum class IdSource {
  // The username of /register (spec: registration.yaml, "M_INVALID_USERNAME: The desired user
  // ID is not a valid user name").
  kRegistrationUsername,
  // An ID a client or server named in a request: path, query or a plain body field such as the
  // user_id of /invite or an alias of /directory/room (spec: directory.yaml answers a bad
  // roomAlias with M_INVALID_PARAM; so does room_state.yaml for malformed aliases in
  // m.room.canonical_alias). M_BAD_ALIAS is not a syntax error: it is an alias that is valid but
  // does not point to the room, which only the service can tell.
  kRequestParameter,
  // An ID inside an event the request carries (a PDU's sender, room_id, prev_events): the
  // event is malformed JSON for its room version, M_BAD_JSON.
  kEventField,
};

constexpr ErrCode errcode_for_invalid_id(IdSource source) {
  switch (source) {
    case IdSource::kRegistrationUsername:
      return ErrCode::kInvalidUsername;
    case IdSource::kRequestParameter:
      return ErrCode::kInvalidParam;
    case IdSource::kEventField:
      return ErrCode::kBadJson;
  }
  return ErrCode::kInvalidParam;
}

}  // namespace myelin::ids
