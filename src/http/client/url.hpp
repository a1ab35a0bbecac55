#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace myelin::http {

// An absolute http(s) URL split into what a client needs to connect and ask (RFC 3986,
// section 3). Only http and https: an outgoing request never follows other schemes.
struct Url {
  std::string scheme;  // "http" or "https", lower-cased
  std::string host;    // without brackets for IPv6 literals; lower-cased
  std::uint16_t port = 0;
  std::string target;  // path and query, at least "/"; the fragment is dropped

  bool tls() const { return scheme == "https"; }
  // host[:port] as the Host header wants it (port omitted when it is the scheme's default).
  std::string authority() const;
};

// nullopt for anything but a well-formed absolute http(s) URL: other schemes, user info
// ("https://user@host" hides the real host from a reader), a missing host, a bad port, spaces
// or control characters.
std::optional<Url> parse_url(std::string_view text);

// RFC 3986 unreserved characters kept, every other byte %XX: query values and form fields.
std::string url_encode(std::string_view text);

}  // namespace myelin::http
