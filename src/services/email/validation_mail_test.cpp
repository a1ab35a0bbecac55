#include "services/email/validation_mail.hpp"

#include <gtest/gtest.h>

#include "services/email/mailer.hpp"

namespace myelin::services {
namespace {

TEST(ValidationMail, LinksUseSynapsesPathsAndEscapeTheQuery) {
  EXPECT_EQ(validation_link("https://matrix.example.org/", ValidationPurpose::kRegistration, "tok",
                            "se cr=et&x", "sid1"),
            "https://matrix.example.org/_matrix/client/unstable/registration/email/"
            "submit_token?token=tok&client_secret=se%20cr%3Det%26x&sid=sid1");
  EXPECT_EQ(submit_token_path(ValidationPurpose::kAddThreepid),
            "_matrix/client/unstable/add_threepid/email/submit_token");
  EXPECT_EQ(submit_token_path(ValidationPurpose::kPasswordReset),
            "_synapse/client/password_reset/email/submit_token");
}

TEST(ValidationMail, EachPurposeSaysWhatItIsFor) {
  const std::string link = "https://x/y";
  ValidationMail registration =
      validation_mail(ValidationPurpose::kRegistration, "example.org", "Myelin", link);
  EXPECT_EQ(registration.subject, "[example.org] Validate your email");
  EXPECT_NE(registration.text.find(link), std::string::npos);
  EXPECT_NE(registration.text.find("register"), std::string::npos);
  ValidationMail reset =
      validation_mail(ValidationPurpose::kPasswordReset, "example.org", "Myelin", link);
  EXPECT_EQ(reset.subject, "[example.org] Password reset");
  EXPECT_NE(reset.text.find(link), std::string::npos);
  ValidationMail add = validation_mail(ValidationPurpose::kAddThreepid, "example.org", "M", link);
  EXPECT_NE(add.text.find("add this e-mail address"), std::string::npos);
}

TEST(Mailer, ExpandsTheAppNameInNotifFrom) {
  EXPECT_EQ(expand_notif_from("Your %(app)s homeserver <noreply@example.org>", "Myelin"),
            "Your Myelin homeserver <noreply@example.org>");
  EXPECT_EQ(expand_notif_from("%(app)s and %(app)s <a@b>", "X"), "X and X <a@b>");
  EXPECT_EQ(expand_notif_from("plain@example.org", "X"), "plain@example.org");
}

}  // namespace
}  // namespace myelin::services
