#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace myelin::services {

// The bytes of local media on disk, laid out as Synapse's media store:
// <root>/local_content/ab/cd/efgh... for media ID "abcdefgh...". Writes go to <root>/tmp first
// and are renamed into place, so a reader never sees half a file and a crash leaves at most a
// stray temporary file. Every call blocks: run on a worker pool.
class MediaFiles {
 public:
  explicit MediaFiles(std::string root) : root_(std::move(root)) {}

  // IDs this server generates and stores: 5 or more of [A-Za-z0-9_-]. Anything else (".." in
  // particular) never reaches the file system.
  static bool valid_media_id(std::string_view media_id);

  std::string path_of(std::string_view media_id) const;
  // Throws std::runtime_error when the file cannot be written.
  void write(std::string_view media_id, std::string_view bytes) const;
  // nullopt when there is no such file.
  std::optional<std::string> read(std::string_view media_id) const;
  // False when there was no such file.
  bool remove(std::string_view media_id) const;

 private:
  std::string root_;
};

}  // namespace myelin::services
