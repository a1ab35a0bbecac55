#include "protocol/crypto/signing_key_file.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/base64.hpp"

namespace myelin::crypto {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    std::size_t start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

Expected<SigningKey> parse_line(std::string_view line) {
  std::vector<std::string_view> fields = split_fields(line);
  if (fields.size() != 3) {
    return fail("expected 3 fields '<algorithm> <version> <base64 seed>', found " +
                std::to_string(fields.size()));
  }
  if (fields[0] != kEd25519) {
    return fail("unsupported algorithm '" + std::string(fields[0]) + "', expected ed25519");
  }
  std::optional<std::string> seed = base64::decode_any(fields[2]);
  if (!seed) return fail("seed is not valid base64");
  return SigningKey::from_seed(*seed, std::string(fields[1]));
}

std::string errno_text(int error) { return std::strerror(error); }

Expected<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read " + path + ": " + errno_text(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return fail("cannot read " + path + ": " + errno_text(errno));
  return text.str();
}

Expected<SigningKey> load(const std::string& path) {
  Expected<std::string> text = read_file(path);
  if (!text) return fail(text.error());
  Expected<std::vector<SigningKey>> keys = parse_signing_key_file(*text);
  if (!keys) return fail(path + ": " + keys.error());
  return std::move(keys->front());
}

Expected<Ok> write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return fail(errno_text(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return Ok{};
}

// Writes the file completely under a temporary name, then links it into place: a crash never
// leaves a half-written key file, and link() refuses to replace a file created meanwhile.
// Returns false (no error) when path appeared in the meantime.
Expected<bool> create_exclusively(const std::string& path, std::string_view contents) {
  std::string temporary = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return fail("cannot create " + temporary + ": " + errno_text(errno));
  Expected<Ok> written = write_all(fd, contents);
  if (written && ::fsync(fd) != 0) written = fail(errno_text(errno));
  if (::close(fd) != 0 && written) written = fail(errno_text(errno));
  if (!written) {
    ::unlink(temporary.c_str());
    return fail("cannot write " + temporary + ": " + written.error());
  }
  int linked = ::link(temporary.c_str(), path.c_str());
  int link_error = errno;
  ::unlink(temporary.c_str());
  if (linked == 0) return true;
  if (link_error == EEXIST) return false;
  return fail("cannot create " + path + ": " + errno_text(link_error));
}

}  // namespace

Expected<std::vector<SigningKey>> parse_signing_key_file(std::string_view text) {
  std::vector<SigningKey> keys;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (split_fields(line).empty()) continue;

    Expected<SigningKey> key = parse_line(line);
    if (!key) return fail("line " + std::to_string(line_number) + ": " + key.error());
    for (const SigningKey& earlier : keys) {
      if (earlier.version() == key->version()) {
        return fail("line " + std::to_string(line_number) + ": duplicate key version '" +
                    key->version() + "'");
      }
    }
    keys.push_back(std::move(*key));
  }
  if (keys.empty()) return fail("no signing keys found");
  return keys;
}

std::string format_signing_key_file(std::span<const SigningKey> keys) {
  std::string text;
  for (const SigningKey& key : keys) {
    text.append(kEd25519);
    text.push_back(' ');
    text.append(key.version());
    text.push_back(' ');
    text.append(key.seed_base64());
    text.push_back('\n');
  }
  return text;
}

Expected<SigningKey> load_or_create_signing_key(const std::string& path) {
  if (::access(path.c_str(), F_OK) == 0) return load(path);
  if (errno != ENOENT) return fail("cannot access " + path + ": " + errno_text(errno));

  SigningKey key = SigningKey::generate();
  SigningKey keys[] = {key};
  std::string contents = format_signing_key_file(keys);
  Expected<bool> created = create_exclusively(path, contents);
  sodium_memzero(contents.data(), contents.size());
  if (!created) return fail(created.error());
  if (!*created) return load(path);  // another process created it first; use theirs
  return key;
}

}  // namespace myelin::crypto
