#include "services/email/email_message.hpp"

#include <gtest/gtest.h>

namespace myelin::services {
namespace {

// 2026-11-23 00:03:41 UTC, a Monday.
constexpr std::int64_t kNow = 1795392221000;

TEST(EmailMessage, HasTheHeadersRfc5322AndMimeNeed) {
  EmailMessage message{.from = "Your Matrix homeserver <noreply@example.org>",
                       .to = "alice@example.net",
                       .subject = "Validate your email",
                       .text = "Hello\nbye\n"};
  std::string text = format_email(message, kNow, "abc@example.org");
  EXPECT_EQ(text,
            "From: Your Matrix homeserver <noreply@example.org>\r\n"
            "To: alice@example.net\r\n"
            "Subject: Validate your email\r\n"
            "Date: Mon, 23 Nov 2026 00:03:41 +0000\r\n"
            "Message-ID: <abc@example.org>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n"
            "Hello\r\nbye\r\n");
}

TEST(EmailMessage, EncodesNonAsciiHeadersAndRefusesHeaderInjection) {
  EmailMessage message{.from = "Café <noreply@example.org>",
                       .to = "alice@example.net\r\nBcc: eve@example.com",
                       .subject = "Grüße",
                       .text = ""};
  std::string text = format_email(message, kNow, "id@x");
  EXPECT_NE(text.find("From: =?UTF-8?B?Q2Fmw6k=?= <noreply@example.org>\r\n"), std::string::npos);
  EXPECT_NE(text.find("Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n"), std::string::npos);
  EXPECT_EQ(text.find("\r\nBcc:"), std::string::npos);
}

TEST(EmailMessage, QuotedPrintable) {
  EXPECT_EQ(quoted_printable("a=b"), "a=3Db\r\n");
  EXPECT_EQ(quoted_printable("Grüße"), "Gr=C3=BC=C3=9Fe\r\n");
  EXPECT_EQ(quoted_printable("trailing \nx"), "trailing=20\r\nx\r\n");
  EXPECT_EQ(quoted_printable("a\r\nb"), "a\r\nb\r\n");
  // Long lines wrap with soft breaks, no encoded line longer than 76 characters.
  std::string long_line(200, 'x');
  std::string encoded = quoted_printable(long_line);
  std::size_t start = 0;
  std::string decoded;
  while (start < encoded.size()) {
    std::size_t end = encoded.find("\r\n", start);
    std::string line = encoded.substr(start, end - start);
    EXPECT_LE(line.size(), 76u);
    if (!line.empty() && line.back() == '=') line.pop_back();
    decoded += line;
    start = end + 2;
  }
  EXPECT_EQ(decoded, long_line);
}

TEST(EmailMessage, MailboxAddress) {
  EXPECT_EQ(mailbox_address("Your Matrix homeserver <noreply@example.org>"), "noreply@example.org");
  EXPECT_EQ(mailbox_address(" noreply@example.org "), "noreply@example.org");
}

TEST(EmailMessage, Rfc5322Date) {
  EXPECT_EQ(rfc5322_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(rfc5322_date(kNow), "Mon, 23 Nov 2026 00:03:41 +0000");
}

}  // namespace
}  // namespace myelin::services
