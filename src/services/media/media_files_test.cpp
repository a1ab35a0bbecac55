#include "services/media/media_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "storage/sqlite/test_temp_dir.hpp"

namespace myelin::services {
namespace {

TEST(MediaFiles, ValidIds) {
  EXPECT_TRUE(MediaFiles::valid_media_id("abcdeFGH01_-"));
  EXPECT_FALSE(MediaFiles::valid_media_id("abcd"));
  EXPECT_FALSE(MediaFiles::valid_media_id("ab/../cdef"));
  EXPECT_FALSE(MediaFiles::valid_media_id("abc.def"));
  EXPECT_FALSE(MediaFiles::valid_media_id(""));
}

TEST(MediaFiles, WritesShardedReadsBackAndRemoves) {
  sqlite::TempDir dir;
  MediaFiles files(dir.file("media"));
  EXPECT_EQ(files.path_of("abcdefgh"), dir.file("media") + "/local_content/ab/cd/efgh");
  std::string bytes("\0\x01\xff binary\r\n", 12);
  files.write("abcdefgh", bytes);
  EXPECT_TRUE(std::filesystem::exists(files.path_of("abcdefgh")));
  EXPECT_EQ(files.read("abcdefgh"), bytes);
  // Nothing is left behind in the temporary directory.
  EXPECT_TRUE(std::filesystem::is_empty(dir.file("media") + "/tmp"));
  EXPECT_FALSE(files.read("abcdxxxx"));
  EXPECT_TRUE(files.remove("abcdefgh"));
  EXPECT_FALSE(files.remove("abcdefgh"));
  EXPECT_FALSE(files.read("abcdefgh"));
  EXPECT_THROW(files.write("../../etc", "x"), std::invalid_argument);
}

}  // namespace
}  // namespace myelin::services
