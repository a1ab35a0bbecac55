#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The pure parts of SMTP (RFC 5321): replies, EHLO extensions, the DATA transparency rule and
// AUTH encodings. No I/O, so they are tested by value.
namespace myelin::services::smtp {

// One complete reply: "250-first\r\n250 last\r\n" → {250, {"first", "last"}}.
struct Reply {
  int code = 0;
  std::vector<std::string> lines;

  bool positive() const { return code >= 200 && code < 400; }
  // 4xx: try again later (RFC 5321 "Transient Negative Completion").
  bool transient() const { return code >= 400 && code < 500; }
  std::string text() const;  // the lines joined by ' ', for messages and logs
};

// Collects reply lines until the last one ("250 ..." rather than "250-...").
class ReplyParser {
 public:
  // Feeds one line without its CRLF. Returns the reply once complete; throws
  // std::runtime_error on a malformed line or a code that changes within a reply.
  std::optional<Reply> feed(std::string_view line);

 private:
  Reply partial_;
};

// The extensions an EHLO reply lists (keywords upper-cased, parameters kept): the first line
// is the greeting and skipped.
struct Extensions {
  bool starttls = false;
  std::vector<std::string> auth_mechanisms;  // "PLAIN", "LOGIN", ...

  bool supports_auth(std::string_view mechanism) const;
};
Extensions parse_ehlo(const Reply& reply);

// The DATA section for `message` (CRLF line ends): each line starting with '.' gets another
// '.', a missing final CRLF is added, and the terminating ".\r\n" is appended.
std::string dot_stuff(std::string_view message);

// AUTH PLAIN's initial response: base64("\0user\0password") (RFC 4616).
std::string auth_plain(std::string_view user, std::string_view password);
// Padded base64, as SMTP AUTH exchanges (AUTH LOGIN's user and password).
std::string base64_padded(std::string_view bytes);

}  // namespace myelin::services::smtp
