#include "protocol/ids/event_id.hpp"

#include <gtest/gtest.h>

#include <string>

namespace myelin::ids {
namespace {

// The spec's own examples: rooms/v3.md (standard alphabet, note the '/') and
// rooms/fragments/v4-event-ids.md (URL-safe alphabet).
const std::string kV3Example = "$acR1l0raoZnm60CBwAVgqbZqoO/mYU81xysh1u7XcJk";
const std::string kV3PlainExample = "$CD66HAED5npg6074c6pDtLKalHjVfYb2q4Q3LZgrW6o";
const std::string kV4Example = "$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg";
// Event IDs from the v1 format, as in the spec's examples ("$YUwRidLecu:example.com").
const std::string kV1Example = "$YUwRidLecu:example.com";

const RoomVersion& version(std::string_view id) { return *find_room_version(id); }

TEST(EventId, SpecExamplesParse) {
  auto v1 = EventId::parse(kV1Example);
  ASSERT_TRUE(v1);
  EXPECT_FALSE(v1->is_reference_hash());
  ASSERT_TRUE(v1->server_name());
  EXPECT_EQ(v1->server_name()->to_string(), "example.com");
  EXPECT_EQ(v1->to_string(), kV1Example);

  for (const std::string& hash_id : {kV3Example, kV3PlainExample, kV4Example}) {
    auto id = EventId::parse(hash_id);
    ASSERT_TRUE(id) << hash_id;
    EXPECT_TRUE(id->is_reference_hash());
    EXPECT_FALSE(id->server_name());
  }
}

// Each format against each room version the server knows, decided by the version's flags.
TEST(EventId, EveryFormatAgainstEveryVersion) {
  for (const RoomVersion* v : known_room_versions()) {
    bool v1_format = v->event_format == EventFormat::kV1;
    bool v3_format = v->event_format == EventFormat::kV2;
    bool v4_format = !v1_format && !v3_format;
    EXPECT_EQ(EventId::is_valid(kV1Example, *v), v1_format) << v->id;
    EXPECT_EQ(EventId::is_valid(kV3Example, *v), v3_format) << v->id;
    EXPECT_EQ(EventId::is_valid(kV4Example, *v), v4_format) << v->id;
    // Only letters and digits: valid in both base64 alphabets, so in v3 and in v4+.
    EXPECT_EQ(EventId::is_valid(kV3PlainExample, *v), !v1_format) << v->id;
    // check_event_id agrees with is_valid.
    for (const std::string& text : {kV1Example, kV3Example, kV4Example, kV3PlainExample}) {
      EXPECT_EQ(check_event_id(text, *v).has_value(), EventId::is_valid(text, *v)) << v->id;
    }
  }
  EXPECT_TRUE(EventId::parse(kV3Example)->fits(version("3")));
  EXPECT_FALSE(EventId::parse(kV3Example)->fits(version("4")));
  EXPECT_TRUE(EventId::parse(kV4Example)->fits(version("12")));
  EXPECT_FALSE(EventId::parse(kV1Example)->fits(version("12")));
}

TEST(EventId, ErrorsNameTheExpectedForm) {
  auto v1 = EventId::parse(kV4Example, version("1"));
  ASSERT_FALSE(v1);
  EXPECT_NE(v1.error().find("'$opaque_id:domain'"), std::string::npos) << v1.error();
  auto v3 = EventId::parse(kV4Example, version("3"));
  ASSERT_FALSE(v3);
  EXPECT_NE(v3.error().find("standard base64"), std::string::npos) << v3.error();
  auto v10 = check_event_id(kV3Example, version("10"));
  ASSERT_FALSE(v10);
  EXPECT_NE(v10.error().find("URL-safe"), std::string::npos) << v10.error();
}

TEST(EventId, HashFormShape) {
  std::string body = kV4Example.substr(1);
  EXPECT_FALSE(EventId::parse("$" + body.substr(1)));  // 42 characters
  EXPECT_FALSE(EventId::parse("$" + body + "A"));      // 44 characters
  EXPECT_FALSE(EventId::parse("$" + body + "="));      // padded
  EXPECT_FALSE(EventId::parse(body + "A"));            // no sigil, 44 characters
  EXPECT_FALSE(EventId::parse("!" + body));            // a v12 room ID, not an event ID
  EXPECT_FALSE(EventId::parse("$"));
  EXPECT_FALSE(EventId::parse(""));
  // '+' and '-' together fit neither alphabet.
  std::string mixed = "$" + body;
  mixed[1] = '+';
  mixed[2] = '-';
  EXPECT_FALSE(EventId::parse(mixed));
  std::string bad_char = "$" + body;
  bad_char[5] = '.';
  EXPECT_FALSE(EventId::parse(bad_char));
  std::string non_ascii = "$" + body.substr(2) + "\xc3\xa9";  // 43 bytes, 42 characters
  EXPECT_FALSE(EventId::parse(non_ascii));
}

TEST(EventId, DomainFormShape) {
  const RoomVersion& v1 = version("1");
  EXPECT_TRUE(EventId::is_valid("$1444812213350496Caaaf:example.com", v1));
  EXPECT_TRUE(EventId::is_valid("$abc:[::1]:8448", v1));
  EXPECT_TRUE(EventId::is_valid("$h\xc3\xa9llo wor/d+:example.com", version("2")));
  EXPECT_FALSE(EventId::is_valid("abc:example.org", v1));  // no sigil
  EXPECT_FALSE(EventId::is_valid("$abc", v1));             // no domain
  EXPECT_FALSE(EventId::is_valid("$abc:", v1));
  EXPECT_FALSE(EventId::is_valid("$abc:bad host", v1));
  EXPECT_FALSE(EventId::is_valid("$a\xff:example.org", v1));  // not UTF-8
  EXPECT_FALSE(EventId::is_valid(std::string("$a\0b:example.org", 16), v1));
}

TEST(EventId, LengthLimitIs255Bytes) {
  const RoomVersion& v1 = version("1");
  std::string opaque(255 - 1 - 1 - 5, 'e');  // "$" + opaque + ":a.org" is 255 bytes
  EXPECT_TRUE(EventId::is_valid("$" + opaque + ":a.org", v1));
  EXPECT_FALSE(EventId::is_valid("$" + opaque + "e:a.org", v1));
}

TEST(EventId, UrlSafeHashIdHelper) {
  EXPECT_TRUE(is_url_safe_hash_id(kV4Example, '$'));
  EXPECT_TRUE(is_url_safe_hash_id("!" + kV4Example.substr(1), '!'));
  EXPECT_FALSE(is_url_safe_hash_id(kV4Example, '!'));
  EXPECT_FALSE(is_url_safe_hash_id(kV3Example, '$'));
}

}  // namespace
}  // namespace myelin::ids
