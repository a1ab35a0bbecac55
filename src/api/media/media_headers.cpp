#include "api/media/media_headers.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace myelin::api {

namespace {

// Spec "Serving inline content": the types a server may serve inline.
constexpr std::array<std::string_view, 26> kInlineTypes = {
    "text/css",    "text/plain", "text/csv",    "application/json", "application/ld+json",
    "image/jpeg",  "image/gif",  "image/png",   "image/apng",       "image/webp",
    "image/avif",  "video/mp4",  "video/webm",  "video/ogg",        "video/quicktime",
    "audio/mp4",   "audio/webm", "audio/aac",   "audio/mpeg",       "audio/ogg",
    "audio/wave",  "audio/wav",  "audio/x-wav", "audio/x-pn-wav",   "audio/flac",
    "audio/x-flac"};

// Text types Synapse serves with "; charset=UTF-8" when the uploader named no charset.
constexpr std::array<std::string_view, 12> kTextTypes = {
    "text/css",        "text/csv",        "text/html",        "text/calendar",
    "text/plain",      "text/javascript", "application/json", "application/ld+json",
    "application/rtf", "image/svg+xml",   "text/xml",         "application/xml"};

constexpr std::string_view kContentSecurityPolicy =
    "sandbox; default-src 'none'; script-src 'none'; plugin-types application/pdf; "
    "style-src 'unsafe-inline'; media-src 'self'; object-src 'self';";

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool contains(auto& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// RFC 2616 token: US-ASCII without controls, space or separators.
bool is_token(std::string_view text) {
  constexpr std::string_view kSeparators = "()<>@,;:\\\"/[]?={}";
  if (text.empty()) return false;
  for (unsigned char c : text) {
    if (c <= 32 || c >= 127 || kSeparators.find(static_cast<char>(c)) != std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// RFC 5987 value-chars: every byte but the unreserved ones %-encoded.
std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

}  // namespace

std::string content_disposition(std::string_view media_type,
                                const std::optional<std::string>& file_name) {
  // Only type/subtype decide; parameters such as charset do not.
  std::string essence = lower(media_type.substr(0, media_type.find(';')));
  while (!essence.empty() && essence.back() == ' ') essence.pop_back();
  std::string disposition = contains(kInlineTypes, essence) ? "inline" : "attachment";
  if (file_name && !file_name->empty()) {
    if (is_token(*file_name)) {
      disposition += "; filename=" + *file_name;
    } else {
      disposition += "; filename*=utf-8''" + percent_encode(*file_name);
    }
  }
  return disposition;
}

std::string served_content_type(std::string_view media_type) {
  if (media_type.empty()) return "application/octet-stream";
  if (contains(kTextTypes, lower(media_type))) return std::string(media_type) + "; charset=UTF-8";
  return std::string(media_type);
}

void add_media_headers(http::Headers& headers, std::string_view media_type,
                       const std::optional<std::string>& file_name) {
  headers.set("Content-Type", served_content_type(media_type));
  headers.set("Content-Disposition", content_disposition(media_type, file_name));
  headers.set("Content-Security-Policy", std::string(kContentSecurityPolicy));
  headers.set("X-Content-Security-Policy", "sandbox;");  // older browsers' form
  headers.set("Cross-Origin-Resource-Policy", "cross-origin");
  headers.set("Referrer-Policy", "no-referrer");
  // Media is immutable; keep crawlers from indexing it (as Synapse).
  headers.set("Cache-Control", "public,max-age=86400,s-maxage=0,proxy-revalidate");
  headers.set("X-Robots-Tag", "noindex, nofollow, noarchive, noimageindex");
}

}  // namespace myelin::api
