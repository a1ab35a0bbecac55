#include "services/media/media_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "services/common/random_token.hpp"

namespace myelin::services {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMinMediaIdLength = 5;  // two directory levels of two and a file name

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

// Writes all of `bytes` to a new file at `path` and flushes it to disk before returning, so
// that the rename that follows publishes complete content even across a power cut.
void write_synced(const std::string& path, std::string_view bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) fail("cannot create", path);
  std::size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      fail("cannot write", path);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    fail("cannot sync", path);
  }
  if (::close(fd) != 0) fail("cannot close", path);
}

}  // namespace

bool MediaFiles::valid_media_id(std::string_view media_id) {
  if (media_id.size() < kMinMediaIdLength) return false;
  for (char c : media_id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string MediaFiles::path_of(std::string_view media_id) const {
  std::string id(media_id);
  return root_ + "/local_content/" + id.substr(0, 2) + "/" + id.substr(2, 2) + "/" + id.substr(4);
}

void MediaFiles::write(std::string_view media_id, std::string_view bytes) const {
  if (!valid_media_id(media_id)) throw std::invalid_argument("bad media ID");
  const fs::path target = path_of(media_id);
  const fs::path tmp_dir = fs::path(root_) / "tmp";
  fs::create_directories(tmp_dir);
  fs::create_directories(target.parent_path());
  const fs::path tmp = tmp_dir / (std::string(media_id) + "." + random_token(8));
  try {
    write_synced(tmp.string(), bytes);
    fs::rename(tmp, target);
  } catch (...) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw;
  }
}

std::optional<std::string> MediaFiles::read(std::string_view media_id) const {
  if (!valid_media_id(media_id)) return std::nullopt;
  std::ifstream in(path_of(media_id), std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error("cannot read " + path_of(media_id));
  return bytes;
}

bool MediaFiles::remove(std::string_view media_id) const {
  if (!valid_media_id(media_id)) return false;
  std::error_code ec;
  return fs::remove(path_of(media_id), ec);
}

}  // namespace myelin::services
