#include "http/server/listener_resources.hpp"

#include <gtest/gtest.h>

namespace myelin::http {
namespace {

TEST(ListenerResources, SplitsFederationFromEverythingElse) {
  const ListenerResources federation{.client = false, .federation = true};
  EXPECT_TRUE(federation.serves("/_matrix/federation/v1/version"));
  EXPECT_TRUE(federation.serves("/_matrix/key/v2/server"));
  EXPECT_TRUE(federation.serves("/.well-known/matrix/server"));
  EXPECT_FALSE(federation.serves("/_matrix/client/v3/login"));
  EXPECT_FALSE(federation.serves("/_synapse/admin/v1/server_version"));
  EXPECT_FALSE(federation.serves("/_matrix/media/v3/config"));
  EXPECT_FALSE(federation.serves("/_matrix/federationx"));

  const ListenerResources client{.client = true, .federation = false};
  EXPECT_FALSE(client.serves("/_matrix/federation/v1/send/1"));
  EXPECT_FALSE(client.serves("/_matrix/key/v2/query"));
  EXPECT_TRUE(client.serves("/_matrix/client/versions"));
  EXPECT_TRUE(client.serves("/.well-known/matrix/client"));

  const ListenerResources both;
  EXPECT_TRUE(both.serves("/_matrix/key/v2/server"));
  EXPECT_TRUE(both.serves("/_matrix/client/versions"));
}

}  // namespace
}  // namespace myelin::http
