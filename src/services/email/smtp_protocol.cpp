#include "services/email/smtp_protocol.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "base/base64.hpp"

namespace myelin::services::smtp {

namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    std::size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    if (end > i) out.emplace_back(text.substr(i, end - i));
    i = end;
  }
  return out;
}

}  // namespace

std::string Reply::text() const {
  std::string out;
  for (const std::string& line : lines) {
    if (!out.empty()) out += ' ';
    out += line;
  }
  return out;
}

std::optional<Reply> ReplyParser::feed(std::string_view line) {
  // "ddd" alone, "ddd text" (last line) or "ddd-text" (more follow): RFC 5321 4.2.
  if (line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0])) ||
      !std::isdigit(static_cast<unsigned char>(line[1])) ||
      !std::isdigit(static_cast<unsigned char>(line[2])) ||
      (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
    throw std::runtime_error("malformed SMTP reply line: " + std::string(line.substr(0, 80)));
  }
  const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (!partial_.lines.empty() && code != partial_.code) {
    throw std::runtime_error("SMTP reply code changed within a multi-line reply");
  }
  partial_.code = code;
  partial_.lines.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view());
  if (line.size() > 3 && line[3] == '-') return std::nullopt;
  Reply done = std::move(partial_);
  partial_ = {};
  return done;
}

bool Extensions::supports_auth(std::string_view mechanism) const {
  return std::find(auth_mechanisms.begin(), auth_mechanisms.end(), mechanism) !=
         auth_mechanisms.end();
}

Extensions parse_ehlo(const Reply& reply) {
  Extensions extensions;
  for (std::size_t i = 1; i < reply.lines.size(); ++i) {
    std::vector<std::string> parts = words(reply.lines[i]);
    if (parts.empty()) continue;
    const std::string keyword = upper(parts[0]);
    if (keyword == "STARTTLS") {
      extensions.starttls = true;
    } else if (keyword == "AUTH" || keyword.rfind("AUTH=", 0) == 0) {
      // "AUTH PLAIN LOGIN", or the old "AUTH=PLAIN LOGIN" form some servers still send.
      if (keyword.size() > 5) extensions.auth_mechanisms.push_back(keyword.substr(5));
      for (std::size_t j = 1; j < parts.size(); ++j) {
        std::string mechanism = upper(parts[j]);
        if (!extensions.supports_auth(mechanism)) extensions.auth_mechanisms.push_back(mechanism);
      }
    }
  }
  return extensions;
}

std::string dot_stuff(std::string_view message) {
  std::string out;
  out.reserve(message.size() + 8);
  bool line_start = true;
  for (char c : message) {
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = c == '\n';
  }
  if (!out.empty() && !(out.size() >= 2 && out.ends_with("\r\n"))) out += "\r\n";
  out += ".\r\n";
  return out;
}

std::string base64_padded(std::string_view bytes) {
  std::string encoded = base64::encode(bytes);
  encoded.append((4 - encoded.size() % 4) % 4, '=');
  return encoded;
}

std::string auth_plain(std::string_view user, std::string_view password) {
  std::string credentials;
  credentials += '\0';
  credentials += user;
  credentials += '\0';
  credentials += password;
  return base64_padded(credentials);
}

}  // namespace myelin::services::smtp
