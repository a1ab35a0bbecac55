#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace myelin::services {

// One plain-text e-mail to one recipient.
struct EmailMessage {
  std::string from;  // header form: "Name <addr@host>" or "addr@host"
  std::string to;    // addr@host
  std::string subject;
  std::string text;  // UTF-8, '\n' or "\r\n" line ends
};

// The message as RFC 5322 text with CRLF line ends: From, To, Subject (RFC 2047 encoded when not
// ASCII), Date, Message-ID, MIME-Version, Content-Type text/plain; charset=UTF-8 and a
// quoted-printable body. `now_ms` is the Date; `message_id` goes inside <...>.
std::string format_email(const EmailMessage& message, std::int64_t now_ms,
                         const std::string& message_id);

// The address in "Name <addr@host>" (or the text itself when it has no angle brackets).
std::string mailbox_address(std::string_view mailbox);

// RFC 2045 quoted-printable of UTF-8 text: line ends become CRLF, lines wrap at 76 characters
// with soft breaks, '=', controls, bytes above 0x7e and trailing white space are =XX.
std::string quoted_printable(std::string_view text);

// A header value: ASCII as is, otherwise an RFC 2047 "=?UTF-8?B?...?=" encoded word.
std::string encode_header_value(std::string_view value);

// RFC 5322 date-time in UTC: "Mon, 23 Nov 2026 00:03:41 +0000".
std::string rfc5322_date(std::int64_t ms_since_epoch);

}  // namespace myelin::services
