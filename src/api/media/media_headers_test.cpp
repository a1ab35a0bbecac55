#include "api/media/media_headers.hpp"

#include <gtest/gtest.h>

namespace myelin::api {
namespace {

TEST(MediaHeaders, InlineOnlyForSafeTypes) {
  EXPECT_EQ(content_disposition("image/png", std::nullopt), "inline");
  EXPECT_EQ(content_disposition("IMAGE/PNG", std::nullopt), "inline");
  EXPECT_EQ(content_disposition("text/plain; charset=latin1", std::nullopt), "inline");
  EXPECT_EQ(content_disposition("text/html", std::nullopt), "attachment");
  EXPECT_EQ(content_disposition("image/svg+xml", std::nullopt), "attachment");
  EXPECT_EQ(content_disposition("application/octet-stream", std::nullopt), "attachment");
}

TEST(MediaHeaders, FileNamesAsTokensOrRfc5987) {
  EXPECT_EQ(content_disposition("image/png", "cat.png"), "inline; filename=cat.png");
  EXPECT_EQ(content_disposition("text/html", "a b.html"),
            "attachment; filename*=utf-8''a%20b.html");
  EXPECT_EQ(content_disposition("text/html", "\xc3\xa9t\xc3\xa9.txt"),
            "attachment; filename*=utf-8''%C3%A9t%C3%A9.txt");
  EXPECT_EQ(content_disposition("image/png", "a;b\"c"), "inline; filename*=utf-8''a%3Bb%22c");
  EXPECT_EQ(content_disposition("image/png", ""), "inline");
}

TEST(MediaHeaders, TextTypesGetACharset) {
  EXPECT_EQ(served_content_type("text/plain"), "text/plain; charset=UTF-8");
  EXPECT_EQ(served_content_type("text/plain; charset=UTF-16"), "text/plain; charset=UTF-16");
  EXPECT_EQ(served_content_type("image/png"), "image/png");
  EXPECT_EQ(served_content_type(""), "application/octet-stream");
}

TEST(MediaHeaders, SandboxesEveryDownload) {
  http::Headers headers;
  add_media_headers(headers, "image/png", "x.png");
  EXPECT_EQ(headers.get("Content-Type"), "image/png");
  EXPECT_EQ(headers.get("Content-Disposition"), "inline; filename=x.png");
  EXPECT_EQ(headers.get("Cross-Origin-Resource-Policy"), "cross-origin");
  ASSERT_TRUE(headers.get("Content-Security-Policy"));
  EXPECT_EQ(headers.get("Content-Security-Policy")->substr(0, 8), "sandbox;");
}

}  // namespace
}  // namespace myelin::api
