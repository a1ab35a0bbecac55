#include "protocol/federation/x_matrix.hpp"

#include <boost/json/object.hpp>
#include <cctype>

#include "protocol/crypto/json_signing.hpp"

namespace myelin::federation {
namespace {

namespace bj = boost::json;

constexpr std::string_view kScheme = "X-Matrix";

bj::object request_json(const SignedRequest& request) {
  bj::object object;
  object["method"] = request.method;
  object["uri"] = request.uri;
  object["origin"] = request.origin;
  object["destination"] = request.destination;
  if (request.content) object["content"] = *request.content;
  return object;
}

// A quoted-string per RFC 9110 5.6.4: only '"' and '\' need escaping.
std::string quoted(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

// RFC 9110 5.6.2 tchar.
bool is_tchar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Reads the parameters after the scheme into (lower-case name, value) pairs.
class ParamReader {
 public:
  explicit ParamReader(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ >= text_.size(); }

  void skip_spaces() {
    while (!at_end() && is_space(text_[pos_])) ++pos_;
  }

  Expected<std::string> name() {
    std::size_t start = pos_;
    while (!at_end() && is_tchar(text_[pos_])) ++pos_;
    if (pos_ == start) return fail("expected a parameter name");
    return lower(text_.substr(start, pos_ - start));
  }

  bool consume(char c) {
    if (at_end() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  Expected<std::string> value() {
    if (consume('"')) return quoted_value();
    // Bare values: tokens, plus the colons older servers leave unquoted (spec). Anything else
    // outside quotes (spaces, quotes, control characters) is malformed.
    std::size_t start = pos_;
    while (!at_end() && (is_tchar(text_[pos_]) || text_[pos_] == ':' || text_[pos_] == '/' ||
                         text_[pos_] == '=')) {
      ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
  }

 private:
  Expected<std::string> quoted_value() {
    std::string out;
    while (!at_end()) {
      char c = text_[pos_++];
      if (c == '"') return out;
      if (c == '\\') {
        if (at_end()) break;
        c = text_[pos_++];
      }
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t') return fail("control character");
      out += c;
    }
    return fail("unterminated quoted value");
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

Expected<Ok> store_param(XMatrixCredentials& credentials, bool seen[4], const std::string& name,
                         std::string value) {
  std::string* field = nullptr;
  int index = -1;
  if (name == "origin") {
    field = &credentials.origin;
    index = 0;
  } else if (name == "key") {
    field = &credentials.key_id;
    index = 1;
  } else if (name == "sig") {
    field = &credentials.signature;
    index = 2;
  } else if (name == "destination") {
    index = 3;
  } else {
    return Ok{};  // unknown parameters are ignored (spec)
  }
  if (seen[index]) return fail("parameter " + name + " given twice");
  seen[index] = true;
  if (value.empty()) return fail("parameter " + name + " is empty");
  if (field) {
    *field = std::move(value);
  } else {
    credentials.destination = std::move(value);
  }
  return Ok{};
}

}  // namespace

std::string authorization_header(const SignedRequest& request, const crypto::SigningKey& key) {
  bj::object object = request_json(request);
  crypto::sign_json(object, request.origin, key);
  const std::string signature = std::string(
      object["signatures"].as_object()[request.origin].as_object()[key.key_id()].as_string());
  std::string header(kScheme);
  header += " origin=" + quoted(request.origin);
  header += ",destination=" + quoted(request.destination);
  header += ",key=" + quoted(key.key_id());
  header += ",sig=" + quoted(signature);
  return header;
}

Expected<XMatrixCredentials> parse_authorization(std::string_view header_value) {
  // Leading/trailing whitespace belongs to the header field, not the credentials.
  while (!header_value.empty() && is_space(header_value.front())) header_value.remove_prefix(1);
  while (!header_value.empty() && is_space(header_value.back())) header_value.remove_suffix(1);
  if (header_value.size() <= kScheme.size() ||
      lower(header_value.substr(0, kScheme.size())) != lower(kScheme) ||
      !is_space(header_value[kScheme.size()])) {
    return fail("not an X-Matrix authorization");
  }
  ParamReader reader(header_value.substr(kScheme.size()));
  XMatrixCredentials credentials;
  bool seen[4] = {false, false, false, false};
  reader.skip_spaces();
  while (!reader.at_end()) {
    auto name = reader.name();
    if (!name) return fail(name.error());
    if (!reader.consume('=')) return fail("expected '=' after " + *name);
    auto value = reader.value();
    if (!value) return fail(value.error());
    auto stored = store_param(credentials, seen, *name, std::move(value).value());
    if (!stored) return fail(stored.error());
    reader.skip_spaces();
    if (reader.at_end()) break;
    if (!reader.consume(',')) return fail("expected ',' between parameters");
    reader.skip_spaces();
  }
  if (!seen[0]) return fail("origin is missing");
  if (!seen[1]) return fail("key is missing");
  if (!seen[2]) return fail("sig is missing");
  return credentials;
}

Expected<Ok> verify_request(const SignedRequest& request, const XMatrixCredentials& credentials,
                            std::string_view public_key_raw) {
  if (credentials.origin != request.origin) return fail("origin does not match the request");
  if (credentials.destination && *credentials.destination != request.destination) {
    return fail("destination does not match the request");
  }
  bj::object object = request_json(request);
  bj::object by_key;
  by_key[credentials.key_id] = credentials.signature;
  bj::object signatures;
  signatures[credentials.origin] = std::move(by_key);
  object["signatures"] = std::move(signatures);
  return crypto::verify_json(object, credentials.origin, credentials.key_id, public_key_raw);
}

}  // namespace myelin::federation
