#pragma once

#include <string_view>

namespace myelin {

// The spec's standard error codes (client-server API "Standard error response") plus the few
// Synapse-specific ones clients rely on. The HTTP status is derived from the code in one place
// (http_status), never paired by hand at a call site.
enum class ErrCode {
  kForbidden,
  kUnknownToken,
  kMissingToken,
  kUserLocked,
  kUserSuspended,
  kBadJson,
  kNotJson,
  kNotFound,
  kLimitExceeded,
  kUnrecognized,
  kUnknown,
  kUnauthorized,
  kUserDeactivated,
  kUserInUse,
  kInvalidUsername,
  kRoomInUse,
  kInvalidRoomState,
  kThreepidInUse,
  kThreepidNotFound,
  kThreepidAuthFailed,
  kThreepidDenied,
  kThreepidMediumNotSupported,
  kServerNotTrusted,
  kUnsupportedRoomVersion,
  kIncompatibleRoomVersion,
  kBadState,
  kGuestAccessForbidden,
  kCaptchaNeeded,
  kCaptchaInvalid,
  kMissingParam,
  kInvalidParam,
  kTooLarge,
  kExclusive,
  kResourceLimitExceeded,
  kCannotLeaveServerNoticeRoom,
  kWeakPassword,
  kUnableToAuthoriseJoin,
  kUnableToGrantJoin,
  kBadAlias,
  kDuplicateAnnotation,
  kNotYetUploaded,
  kCannotOverwriteMedia,
  kUnknownPos,
  kUrlNotSet,
  kBadStatus,
  kConnectionFailed,
  kConnectionTimeout,
  kWrongRoomKeysVersion,
  kInvalidSignature,  // cross-signing keys whose signature does not verify (400, as the spec says)
};

// "M_FORBIDDEN" etc.
std::string_view errcode_name(ErrCode code);

// The HTTP status the spec (or Synapse, where the spec is silent) pairs with the code.
int http_status(ErrCode code);

}  // namespace myelin
