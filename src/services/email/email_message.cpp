#include "services/email/email_message.hpp"

#include <fmt/format.h>

#include <ctime>

#include "base/base64.hpp"

namespace myelin::services {

namespace {

// 76 characters: RFC 2045's limit on an encoded line (without the CRLF).
constexpr std::size_t kMaxEncodedLine = 76;

bool is_ascii_printable(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::string padded_base64(std::string_view bytes) {
  std::string encoded = base64::encode(bytes);
  encoded.append((4 - encoded.size() % 4) % 4, '=');
  return encoded;
}

// Header values never carry line breaks (a CR or LF there would inject headers).
std::string single_line(std::string_view value) {
  std::string out;
  for (char c : value) out += (c == '\r' || c == '\n') ? ' ' : c;
  return out;
}

}  // namespace

std::string mailbox_address(std::string_view mailbox) {
  const std::size_t open = mailbox.rfind('<');
  const std::size_t close = mailbox.rfind('>');
  if (open != std::string_view::npos && close != std::string_view::npos && open < close) {
    return std::string(mailbox.substr(open + 1, close - open - 1));
  }
  std::string_view trimmed = mailbox;
  while (!trimmed.empty() && trimmed.front() == ' ') trimmed.remove_prefix(1);
  while (!trimmed.empty() && trimmed.back() == ' ') trimmed.remove_suffix(1);
  return std::string(trimmed);
}

std::string quoted_printable(std::string_view text) {
  std::string out;
  std::string line;  // the encoded current line
  auto flush_line = [&out, &line](bool hard) {
    // Trailing white space would be stripped in transit: encode it.
    if (hard && !line.empty() && (line.back() == ' ' || line.back() == '\t')) {
      const char last = line.back();
      line.pop_back();
      line += fmt::format("={:02X}", static_cast<unsigned char>(last));
    }
    out += line;
    out += hard ? "\r\n" : "=\r\n";
    line.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (c == '\n') {
      flush_line(true);
      continue;
    }
    std::string encoded;
    if ((c >= 33 && c <= 126 && c != '=') || c == ' ' || c == '\t') {
      encoded = static_cast<char>(c);
    } else {
      encoded = fmt::format("={:02X}", c);
    }
    // Room for a soft break's '=' (and for a trailing space becoming =20).
    if (line.size() + encoded.size() > kMaxEncodedLine - 3) flush_line(false);
    line += encoded;
  }
  if (!line.empty()) flush_line(true);
  return out;
}

std::string encode_header_value(std::string_view value) {
  const std::string clean = single_line(value);
  if (is_ascii_printable(clean)) return clean;
  return "=?UTF-8?B?" + padded_base64(clean) + "?=";
}

std::string rfc5322_date(std::int64_t ms_since_epoch) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = static_cast<std::time_t>(ms_since_epoch / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", kDays[utc.tm_wday], utc.tm_mday,
                     kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

std::string format_email(const EmailMessage& message, std::int64_t now_ms,
                         const std::string& message_id) {
  std::string from = single_line(message.from);
  if (!is_ascii_printable(from)) {
    // A non-ASCII display name becomes an encoded word; the address stays as it is.
    const std::size_t open = from.rfind('<');
    if (open != std::string::npos && open > 0) {
      std::string name = from.substr(0, open);
      while (!name.empty() && name.back() == ' ') name.pop_back();
      from = encode_header_value(name) + " " + from.substr(open);
    }
  }
  std::string out;
  out += "From: " + from + "\r\n";
  out += "To: " + single_line(message.to) + "\r\n";
  out += "Subject: " + encode_header_value(message.subject) + "\r\n";
  out += "Date: " + rfc5322_date(now_ms) + "\r\n";
  out += "Message-ID: <" + single_line(message_id) + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: quoted-printable\r\n";
  out += "\r\n";
  out += quoted_printable(message.text);
  return out;
}

}  // namespace myelin::services
