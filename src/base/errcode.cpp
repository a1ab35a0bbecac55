#include "base/errcode.hpp"

namespace myelin {

std::string_view errcode_name(ErrCode code) {
  switch (code) {
    case ErrCode::kForbidden: return "M_FORBIDDEN";
    case ErrCode::kUnknownToken: return "M_UNKNOWN_TOKEN";
    case ErrCode::kMissingToken: return "M_MISSING_TOKEN";
    case ErrCode::kUserLocked: return "M_USER_LOCKED";
    case ErrCode::kUserSuspended: return "M_USER_SUSPENDED";
    case ErrCode::kBadJson: return "M_BAD_JSON";
    case ErrCode::kNotJson: return "M_NOT_JSON";
    case ErrCode::kNotFound: return "M_NOT_FOUND";
    case ErrCode::kLimitExceeded: return "M_LIMIT_EXCEEDED";
    case ErrCode::kUnrecognized: return "M_UNRECOGNIZED";
    case ErrCode::kUnknown: return "M_UNKNOWN";
    case ErrCode::kUnauthorized: return "M_UNAUTHORIZED";
    case ErrCode::kUserDeactivated: return "M_USER_DEACTIVATED";
    case ErrCode::kUserInUse: return "M_USER_IN_USE";
    case ErrCode::kInvalidUsername: return "M_INVALID_USERNAME";
    case ErrCode::kRoomInUse: return "M_ROOM_IN_USE";
    case ErrCode::kInvalidRoomState: return "M_INVALID_ROOM_STATE";
    case ErrCode::kThreepidInUse: return "M_THREEPID_IN_USE";
    case ErrCode::kThreepidNotFound: return "M_THREEPID_NOT_FOUND";
    case ErrCode::kThreepidAuthFailed: return "M_THREEPID_AUTH_FAILED";
    case ErrCode::kThreepidDenied: return "M_THREEPID_DENIED";
    case ErrCode::kThreepidMediumNotSupported: return "M_THREEPID_MEDIUM_NOT_SUPPORTED";
    case ErrCode::kServerNotTrusted: return "M_SERVER_NOT_TRUSTED";
    case ErrCode::kUnsupportedRoomVersion: return "M_UNSUPPORTED_ROOM_VERSION";
    case ErrCode::kIncompatibleRoomVersion: return "M_INCOMPATIBLE_ROOM_VERSION";
    case ErrCode::kBadState: return "M_BAD_STATE";
    case ErrCode::kGuestAccessForbidden: return "M_GUEST_ACCESS_FORBIDDEN";
    case ErrCode::kCaptchaNeeded: return "M_CAPTCHA_NEEDED";
    case ErrCode::kCaptchaInvalid: return "M_CAPTCHA_INVALID";
    case ErrCode::kMissingParam: return "M_MISSING_PARAM";
    case ErrCode::kInvalidParam: return "M_INVALID_PARAM";
    case ErrCode::kTooLarge: return "M_TOO_LARGE";
    case ErrCode::kExclusive: return "M_EXCLUSIVE";
    case ErrCode::kResourceLimitExceeded: return "M_RESOURCE_LIMIT_EXCEEDED";
    case ErrCode::kCannotLeaveServerNoticeRoom: return "M_CANNOT_LEAVE_SERVER_NOTICE_ROOM";
    case ErrCode::kWeakPassword: return "M_WEAK_PASSWORD";
    case ErrCode::kUnableToAuthoriseJoin: return "M_UNABLE_TO_AUTHORISE_JOIN";
    case ErrCode::kUnableToGrantJoin: return "M_UNABLE_TO_GRANT_JOIN";
    case ErrCode::kBadAlias: return "M_BAD_ALIAS";
    case ErrCode::kDuplicateAnnotation: return "M_DUPLICATE_ANNOTATION";
    case ErrCode::kNotYetUploaded: return "M_NOT_YET_UPLOADED";
    case ErrCode::kCannotOverwriteMedia: return "M_CANNOT_OVERWRITE_MEDIA";
    case ErrCode::kUnknownPos: return "M_UNKNOWN_POS";
    case ErrCode::kUrlNotSet: return "M_URL_NOT_SET";
    case ErrCode::kBadStatus: return "M_BAD_STATUS";
    case ErrCode::kConnectionFailed: return "M_CONNECTION_FAILED";
    case ErrCode::kConnectionTimeout: return "M_CONNECTION_TIMEOUT";
    case ErrCode::kWrongRoomKeysVersion: return "M_WRONG_ROOM_KEYS_VERSION";
    case ErrCode::kInvalidSignature: return "M_INVALID_SIGNATURE";
  }
  return "M_UNKNOWN";
}

int http_status(ErrCode code) {
  switch (code) {
    case ErrCode::kForbidden:
    case ErrCode::kGuestAccessForbidden:
    case ErrCode::kThreepidDenied:
    case ErrCode::kThreepidAuthFailed:
    case ErrCode::kUserDeactivated:
    case ErrCode::kResourceLimitExceeded:
    case ErrCode::kCannotLeaveServerNoticeRoom:
    case ErrCode::kUnableToGrantJoin:
    case ErrCode::kUserSuspended:
    case ErrCode::kServerNotTrusted:
    case ErrCode::kInvalidSignature:
    case ErrCode::kCannotOverwriteMedia:
    case ErrCode::kWrongRoomKeysVersion:
      return 403;
    case ErrCode::kUnknownToken:
    case ErrCode::kMissingToken:
    case ErrCode::kUserLocked:
    case ErrCode::kUnauthorized:
    case ErrCode::kCaptchaNeeded:
      return 401;
    case ErrCode::kNotFound:
    case ErrCode::kThreepidNotFound:
    case ErrCode::kUnrecognized:
      return 404;
    case ErrCode::kLimitExceeded: return 429;
    case ErrCode::kTooLarge: return 413;
    case ErrCode::kUnknown:
    case ErrCode::kBadStatus:
    case ErrCode::kConnectionFailed:
    case ErrCode::kUnableToAuthoriseJoin:
      return 500;
    case ErrCode::kConnectionTimeout: return 504;
    case ErrCode::kNotYetUploaded: return 504;
    case ErrCode::kUrlNotSet: return 400;
    case ErrCode::kBadJson:
    case ErrCode::kNotJson:
    case ErrCode::kUserInUse:
    case ErrCode::kInvalidUsername:
    case ErrCode::kRoomInUse:
    case ErrCode::kInvalidRoomState:
    case ErrCode::kThreepidInUse:
    case ErrCode::kThreepidMediumNotSupported:
    case ErrCode::kUnsupportedRoomVersion:
    case ErrCode::kIncompatibleRoomVersion:
    case ErrCode::kBadState:
    case ErrCode::kCaptchaInvalid:
    case ErrCode::kMissingParam:
    case ErrCode::kInvalidParam:
    case ErrCode::kExclusive:
    case ErrCode::kWeakPassword:
    case ErrCode::kBadAlias:
    case ErrCode::kDuplicateAnnotation:
    case ErrCode::kUnknownPos:
      return 400;
  }
  return 500;
}

}  // namespace myelin
