#include "protocol/crypto/signing_key_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/base64.hpp"

namespace myelin::crypto {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSpecSeed = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1";

std::string error_of(std::string_view text) {
  auto keys = parse_signing_key_file(text);
  EXPECT_FALSE(keys) << "parsed: " << text;
  return keys ? "" : keys.error();
}

TEST(SigningKeyFile, ParsesSynapseLine) {
  auto keys = parse_signing_key_file("ed25519 a_Abcd " + std::string(kSpecSeed) + "\n");
  ASSERT_TRUE(keys) << keys.error();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].key_id(), "ed25519:a_Abcd");
  // The spec's test seed gives the public key that verifies the spec's signatures.
  EXPECT_EQ((*keys)[0].public_key_base64(), "XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI");
}

TEST(SigningKeyFile, AcceptsBlankLinesCrlfPaddingAndMissingFinalNewline) {
  std::string text = "\n  \n\ted25519   a_1 " + std::string(kSpecSeed) + "\r\n\r\n" +
                     "ed25519 a_2 " + SigningKey::generate("x").seed_base64() + "=";
  auto keys = parse_signing_key_file(text);
  ASSERT_TRUE(keys) << keys.error();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].version(), "a_1");
  EXPECT_EQ((*keys)[1].version(), "a_2");
}

TEST(SigningKeyFile, RoundTrip) {
  std::vector<SigningKey> keys = {SigningKey::generate(), SigningKey::generate("auto"),
                                  SigningKey::generate("a_XXXX")};
  std::string text = format_signing_key_file(keys);
  auto parsed = parse_signing_key_file(text);
  ASSERT_TRUE(parsed) << parsed.error();
  ASSERT_EQ(parsed->size(), keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ((*parsed)[i].version(), keys[i].version());
    EXPECT_EQ((*parsed)[i].public_key(), keys[i].public_key());
    EXPECT_EQ((*parsed)[i].seed_base64(), keys[i].seed_base64());
  }
  EXPECT_EQ(format_signing_key_file(*parsed), text);
}

TEST(SigningKeyFile, FormatIsSynapseFormat) {
  auto key = SigningKey::from_seed(*base64::decode(kSpecSeed), "a_Abcd");
  ASSERT_TRUE(key);
  SigningKey keys[] = {*key};
  EXPECT_EQ(format_signing_key_file(keys),
            "ed25519 a_Abcd " + base64::encode(*base64::decode(kSpecSeed)) + "\n");
}

TEST(SigningKeyFile, MalformedFilesGiveLineNumbers) {
  const std::string seed(kSpecSeed);
  std::string e = error_of("\ned25519 a_1 " + seed + "\ncurve25519 a_2 " + seed + "\n");
  EXPECT_NE(e.find("line 3"), std::string::npos) << e;
  EXPECT_NE(e.find("unsupported algorithm 'curve25519'"), std::string::npos) << e;

  e = error_of("ed25519 a_1 not*base64");
  EXPECT_NE(e.find("line 1"), std::string::npos) << e;
  EXPECT_NE(e.find("base64"), std::string::npos) << e;

  e = error_of("ed25519 a_1 " + base64::encode(std::string(31, 'x')));
  EXPECT_NE(e.find("line 1"), std::string::npos) << e;
  EXPECT_NE(e.find("31 bytes, expected 32"), std::string::npos) << e;
  e = error_of("ed25519 a_1 " + base64::encode(std::string(64, 'x')));
  EXPECT_NE(e.find("64 bytes"), std::string::npos) << e;

  e = error_of("ed25519 " + seed);
  EXPECT_NE(e.find("expected 3 fields"), std::string::npos) << e;
  EXPECT_NE(e.find("found 2"), std::string::npos) << e;
  e = error_of("ed25519");
  EXPECT_NE(e.find("found 1"), std::string::npos) << e;
  e = error_of("ed25519 a_1 " + seed + " extra");
  EXPECT_NE(e.find("found 4"), std::string::npos) << e;

  e = error_of("ed25519 a-1 " + seed);
  EXPECT_NE(e.find("[a-zA-Z0-9_]"), std::string::npos) << e;

  e = error_of("ed25519 a_1 " + seed + "\ned25519 a_1 " + seed);
  EXPECT_NE(e.find("line 2: duplicate key version 'a_1'"), std::string::npos) << e;

  EXPECT_NE(error_of("").find("no signing keys"), std::string::npos);
  EXPECT_NE(error_of("\n \n").find("no signing keys"), std::string::npos);
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "myelin-crypto-XXXXXX").string();
    char* made = ::mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr);
    path_ = pattern;
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(LoadOrCreateSigningKey, CreatesThenReReads) {
  TempDir dir;
  const std::string path = (dir.path() / "server.signing.key").string();
  auto created = load_or_create_signing_key(path);
  ASSERT_TRUE(created) << created.error();
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(created->version().substr(0, 2), "a_");

  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  std::string text = read(path);
  EXPECT_EQ(text, "ed25519 " + created->version() + " " + created->seed_base64() + "\n");

  auto reloaded = load_or_create_signing_key(path);
  ASSERT_TRUE(reloaded) << reloaded.error();
  EXPECT_EQ(reloaded->key_id(), created->key_id());
  EXPECT_EQ(reloaded->public_key(), created->public_key());
  EXPECT_EQ(read(path), text);  // not rewritten

  // Only the file itself is left behind, no temporary.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1u);
}

TEST(LoadOrCreateSigningKey, ReadsExistingFileFirstKey) {
  TempDir dir;
  const std::string path = (dir.path() / "key").string();
  {
    std::ofstream out(path);
    out << "ed25519 a_Abcd " << kSpecSeed << "\ned25519 a_next "
        << SigningKey::generate("z").seed_base64() << "\n";
  }
  auto key = load_or_create_signing_key(path);
  ASSERT_TRUE(key) << key.error();
  EXPECT_EQ(key->key_id(), "ed25519:a_Abcd");
  EXPECT_EQ(key->public_key_base64(), "XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI");
}

TEST(LoadOrCreateSigningKey, MalformedFileIsAnErrorNamingThePath) {
  TempDir dir;
  const std::string path = (dir.path() / "key").string();
  {
    std::ofstream out(path);
    out << "ed25519 a_Abcd short\n";
  }
  auto key = load_or_create_signing_key(path);
  ASSERT_FALSE(key);
  EXPECT_NE(key.error().find(path), std::string::npos) << key.error();
  EXPECT_NE(key.error().find("line 1"), std::string::npos) << key.error();
  EXPECT_EQ(read(path), "ed25519 a_Abcd short\n");  // left alone
}

TEST(LoadOrCreateSigningKey, MissingDirectoryIsAnError) {
  TempDir dir;
  auto key = load_or_create_signing_key((dir.path() / "absent" / "key").string());
  ASSERT_FALSE(key);
  EXPECT_NE(key.error().find("cannot"), std::string::npos) << key.error();
}

}  // namespace
}  // namespace myelin::crypto
