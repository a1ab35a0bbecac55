#include "services/email/smtp_protocol.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/base64.hpp"

namespace myelin::services::smtp {
namespace {

using ::testing::ElementsAre;

TEST(SmtpReplyParser, ReadsSingleAndMultiLineReplies) {
  ReplyParser parser;
  std::optional<Reply> reply = parser.feed("220 mail.example.org ESMTP ready");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->code, 220);
  EXPECT_THAT(reply->lines, ElementsAre("mail.example.org ESMTP ready"));
  EXPECT_TRUE(reply->positive());

  EXPECT_FALSE(parser.feed("250-mail.example.org"));
  EXPECT_FALSE(parser.feed("250-STARTTLS"));
  reply = parser.feed("250 AUTH PLAIN LOGIN");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->code, 250);
  EXPECT_THAT(reply->lines, ElementsAre("mail.example.org", "STARTTLS", "AUTH PLAIN LOGIN"));

  reply = parser.feed("354");  // a bare code is a complete reply
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->code, 354);
}

TEST(SmtpReplyParser, ClassifiesCodes) {
  ReplyParser parser;
  Reply busy = *parser.feed("451 4.3.0 try again later");
  EXPECT_TRUE(busy.transient());
  EXPECT_FALSE(busy.positive());
  EXPECT_EQ(busy.text(), "4.3.0 try again later");
  Reply refused = *parser.feed("550 no such user");
  EXPECT_FALSE(refused.transient());
  EXPECT_FALSE(refused.positive());
}

TEST(SmtpReplyParser, RefusesMalformedLines) {
  ReplyParser parser;
  EXPECT_THROW(parser.feed("hello"), std::runtime_error);
  EXPECT_THROW(parser.feed("25"), std::runtime_error);
  EXPECT_THROW(parser.feed("250x"), std::runtime_error);
  ReplyParser changing;
  EXPECT_FALSE(changing.feed("250-a"));
  EXPECT_THROW(changing.feed("251 b"), std::runtime_error);
}

TEST(SmtpEhlo, FindsStartTlsAndAuthMechanisms) {
  ReplyParser parser;
  parser.feed("250-mail.example.org greets you");
  parser.feed("250-SIZE 10240000");
  parser.feed("250-starttls");
  parser.feed("250-AUTH=LOGIN");
  Reply reply = *parser.feed("250 AUTH login plain CRAM-MD5");
  Extensions extensions = parse_ehlo(reply);
  EXPECT_TRUE(extensions.starttls);
  EXPECT_THAT(extensions.auth_mechanisms, ElementsAre("LOGIN", "PLAIN", "CRAM-MD5"));
  EXPECT_TRUE(extensions.supports_auth("PLAIN"));
  EXPECT_FALSE(extensions.supports_auth("XOAUTH2"));

  // The greeting line names the server; "STARTTLS" there is no extension.
  Extensions none = parse_ehlo(Reply{250, {"STARTTLS.example.org"}});
  EXPECT_FALSE(none.starttls);
  EXPECT_TRUE(none.auth_mechanisms.empty());
}

TEST(SmtpDotStuffing, DoublesLeadingDotsAndTerminates) {
  EXPECT_EQ(dot_stuff("Hello\r\n.hidden\r\n..two\r\nend.\r\n"),
            "Hello\r\n..hidden\r\n...two\r\nend.\r\n.\r\n");
  EXPECT_EQ(dot_stuff(".first"), "..first\r\n.\r\n");
  EXPECT_EQ(dot_stuff("no final line end"), "no final line end\r\n.\r\n");
  EXPECT_EQ(dot_stuff(".\r\n"), "..\r\n.\r\n");  // a lone dot must not end the data early
}

TEST(SmtpAuth, EncodesPlainAndLogin) {
  std::string plain = auth_plain("alice", "s3cret");
  EXPECT_EQ(plain.size() % 4, 0u);
  EXPECT_EQ(base64::decode(plain), std::string("\0alice\0s3cret", 13));
  EXPECT_EQ(base64_padded("a"), "YQ==");
  EXPECT_EQ(base64_padded("ab"), "YWI=");
  EXPECT_EQ(base64_padded("abc"), "YWJj");
}

}  // namespace
}  // namespace myelin::services::smtp
