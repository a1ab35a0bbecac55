// The checker's decisions with DNS and TLS faked: which hosts it visits in which order, and the
// FIX line each common mistake earns. tests/federation/rig_test.py runs it for real.
#include "services/federation/check/federation_checker.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <map>

#include "protocol/crypto/json_signing.hpp"

namespace myelin::services::federation_check {
namespace {

namespace json = boost::json;

constexpr std::int64_t kNow = 1'700'000'000'000;

class FakeDns : public CheckDns {
 public:
  std::map<std::string, std::vector<SrvRecord>> srv_records;
  std::map<std::string, std::vector<std::string>> hosts;
  std::string failure;  // every lookup fails with this when set

  DnsAnswer<SrvRecord> srv(const std::string& name) override {
    if (!failure.empty()) return {{}, failure};
    auto found = srv_records.find(name);
    return {found == srv_records.end() ? std::vector<SrvRecord>{} : found->second, ""};
  }
  DnsAnswer<std::string> addresses(const std::string& host) override {
    if (!failure.empty()) return {{}, failure};
    auto found = hosts.find(host);
    return {found == hosts.end() ? std::vector<std::string>{} : found->second, ""};
  }
};

// A server at an address:port: its certificate and what it answers.
struct FakeServer {
  std::vector<std::string> names;
  bool self_signed = false;
  bool expired = false;
  std::map<std::string, std::pair<int, std::string>> answers;  // path → status, body
  std::map<std::string, std::string> locations;                // path → Location
};

class CheckerTest : public ::testing::Test {
 protected:
  FakeDns dns;
  std::map<std::string, FakeServer> servers;  // "ip:port"
  std::vector<std::string> visited;           // "ip:port sni"
  crypto::SigningKey key = crypto::SigningKey::generate();

  std::string keys_for(const std::string& name) {
    json::object document{
        {"server_name", name},
        {"valid_until_ts", kNow + 3'600'000},
        {"verify_keys",
         json::object{{key.key_id(), json::object{{"key", key.public_key_base64()}}}}}};
    crypto::sign_json(document, name, key);
    return json::serialize(document);
  }

  FakeServer homeserver(const std::string& server_name, std::vector<std::string> cert_names) {
    FakeServer server;
    server.names = std::move(cert_names);
    server.answers["/_matrix/federation/v1/version"] = {
        200, R"({"server":{"name":"myelin","version":"1"}})"};
    server.answers["/_matrix/key/v2/server"] = {200, keys_for(server_name)};
    return server;
  }

  CheckReport check(const std::string& name) {
    Prober prober = [this](const ProbeTarget& target, const std::vector<std::string>& paths) {
      const std::string where = target.address + ":" + std::to_string(target.port);
      visited.push_back(where + " " + target.tls_name);
      TlsProbeResult result;
      auto found = servers.find(where);
      if (found == servers.end()) {
        result.connect_error = "Connection refused";
        result.refused = true;
        return result;
      }
      const FakeServer& server = found->second;
      result.names = server.names;
      for (const std::string& n : server.names) result.name_matches |= n == target.tls_name;
      result.self_signed = server.self_signed;
      result.chain_verified = !server.self_signed && !server.expired;
      result.verify_error = server.self_signed ? "self-signed certificate"
                            : server.expired   ? "certificate has expired"
                                               : "";
      result.expired = server.expired;
      result.not_after = "Jan  1 00:00:00 2020 GMT";
      for (const std::string& path : paths) {
        ProbeResponse response{path, "", 404, R"({"errcode":"M_UNRECOGNIZED"})", std::nullopt};
        if (auto answer = server.answers.find(path); answer != server.answers.end()) {
          response.status = answer->second.first;
          response.body = answer->second.second;
        }
        if (auto location = server.locations.find(path); location != server.locations.end()) {
          response.location = location->second;
        }
        result.responses.push_back(response);
      }
      return result;
    };
    return check_federation(name, dns, prober, kNow);
  }

  static bool has_fix(const CheckReport& report, const std::string& part) {
    for (const std::string& fix : report.fixes) {
      if (fix.find(part) != std::string::npos) return true;
    }
    return false;
  }
};

TEST_F(CheckerTest, PlainServerOn8448Works) {
  dns.hosts["a.test"] = {"10.0.0.1"};
  servers["10.0.0.1:8448"] = homeserver("a.test", {"a.test"});
  CheckReport report = check("a.test");
  EXPECT_TRUE(report.works);
  EXPECT_TRUE(report.fixes.empty()) << report.fixes.front();
  // The well-known was tried first (port 443), then 8448.
  EXPECT_EQ(visited, (std::vector<std::string>{"10.0.0.1:443 a.test", "10.0.0.1:8448 a.test"}));
}

TEST_F(CheckerTest, WellKnownDelegationIsFollowedAndTheCertificateMustNameTheDelegate) {
  dns.hosts["a.test"] = {"10.0.0.1"};
  dns.hosts["matrix.a.test"] = {"10.0.0.2"};
  FakeServer web;
  web.names = {"a.test"};
  web.answers["/.well-known/matrix/server"] = {200, R"({"m.server":"matrix.a.test:8449"})"};
  servers["10.0.0.1:443"] = web;
  servers["10.0.0.2:8449"] = homeserver("a.test", {"matrix.a.test"});
  CheckReport report = check("a.test");
  EXPECT_TRUE(report.works) << (report.fixes.empty() ? "" : report.fixes.front());
  EXPECT_EQ(visited.back(), "10.0.0.2:8449 matrix.a.test");
}

TEST_F(CheckerTest, WellKnownRedirectIsFollowed) {
  dns.hosts["a.test"] = {"10.0.0.1"};
  dns.hosts["www.a.test"] = {"10.0.0.3"};
  dns.hosts["matrix.a.test"] = {"10.0.0.2"};
  FakeServer redirect;
  redirect.names = {"a.test"};
  redirect.answers["/.well-known/matrix/server"] = {301, ""};
  redirect.locations["/.well-known/matrix/server"] = "https://www.a.test/mx";
  servers["10.0.0.1:443"] = redirect;
  FakeServer web;
  web.names = {"www.a.test"};
  web.answers["/mx"] = {200, R"({"m.server":"matrix.a.test:8448"})"};
  servers["10.0.0.3:443"] = web;
  servers["10.0.0.2:8448"] = homeserver("a.test", {"matrix.a.test"});
  CheckReport report = check("a.test");
  EXPECT_TRUE(report.works) << (report.fixes.empty() ? "" : report.fixes.front());
  EXPECT_EQ(visited, (std::vector<std::string>{"10.0.0.1:443 a.test", "10.0.0.3:443 www.a.test",
                                               "10.0.0.2:8448 matrix.a.test"}));
}

TEST_F(CheckerTest, WellKnownRedirectLoopFallsBackToTheServerName) {
  dns.hosts["a.test"] = {"10.0.0.1"};
  FakeServer loop;
  loop.names = {"a.test"};
  loop.answers["/.well-known/matrix/server"] = {302, ""};
  loop.locations["/.well-known/matrix/server"] = "/.well-known/matrix/server";
  servers["10.0.0.1:443"] = loop;
  servers["10.0.0.1:8448"] = homeserver("a.test", {"a.test"});
  CheckReport report = check("a.test");
  EXPECT_TRUE(report.works);
  EXPECT_EQ(visited.back(), "10.0.0.1:8448 a.test");
}

TEST_F(CheckerTest, SrvTargetWithTheTargetsOwnCertificateIsTheClassicMistake) {
  dns.hosts["a.test"] = {"10.0.0.1"};
  dns.hosts["host.a.test"] = {"10.0.0.2"};
  dns.srv_records["_matrix-fed._tcp.a.test"] = {{"host.a.test", 8449, 10, 5}};
  servers["10.0.0.2:8449"] = homeserver("a.test", {"host.a.test"});
  CheckReport report = check("a.test");
  EXPECT_FALSE(report.works);
  EXPECT_TRUE(has_fix(report, "SRV delegation needs a certificate for the server name a.test"));
  // Fixed: the certificate names the server name.
  servers["10.0.0.2:8449"] = homeserver("a.test", {"a.test"});
  EXPECT_TRUE(check("a.test").works);
}

TEST_F(CheckerTest, DeprecatedSrvIsUsedWithAWarning) {
  dns.hosts["host.a.test"] = {"10.0.0.2"};
  dns.srv_records["_matrix._tcp.a.test"] = {{"host.a.test", 8449, 10, 5}};
  servers["10.0.0.2:8449"] = homeserver("a.test", {"a.test"});
  CheckReport report = check("a.test");
  EXPECT_TRUE(report.works);
  bool warned = false;
  for (const auto& section : report.sections) {
    for (const auto& line : section.lines) warned |= line.status == CheckStatus::kWarn;
  }
  EXPECT_TRUE(warned);
}

TEST_F(CheckerTest, ClosedPortAndMissingDelegation) {
  dns.hosts["a.test"] = {"10.0.0.1"};
  CheckReport report = check("a.test");
  EXPECT_FALSE(report.works);
  EXPECT_TRUE(has_fix(report, "port 8448 on a.test (10.0.0.1) is closed"));
  EXPECT_TRUE(has_fix(report, "no working /.well-known/matrix/server on https://a.test/"));
}

TEST_F(CheckerTest, SelfSignedAndExpiredCertificates) {
  dns.hosts["a.test"] = {"10.0.0.1"};
  servers["10.0.0.1:8448"] = homeserver("a.test", {"a.test"});
  servers["10.0.0.1:8448"].self_signed = true;
  CheckReport self_signed = check("a.test");
  EXPECT_FALSE(self_signed.works);
  EXPECT_TRUE(has_fix(self_signed, "is self-signed"));
  // The server was found under its name: discovery is not what is wrong.
  EXPECT_FALSE(has_fix(self_signed, "well-known"));
  servers["10.0.0.1:8448"].self_signed = false;
  servers["10.0.0.1:8448"].expired = true;
  CheckReport expired = check("a.test");
  EXPECT_FALSE(expired.works);
  EXPECT_TRUE(has_fix(expired, "expired Jan  1 00:00:00 2020 GMT: renew it"));
}

TEST_F(CheckerTest, KeysOfAnotherServerName) {
  dns.hosts["a.test"] = {"10.0.0.1"};
  servers["10.0.0.1:8448"] = homeserver("b.test", {"a.test"});
  CheckReport report = check("a.test");
  EXPECT_FALSE(report.works);
  EXPECT_TRUE(has_fix(report, "calls itself \"b.test\" in its keys"));
}

TEST_F(CheckerTest, ExplicitPortSkipsWellKnownAndSrv) {
  dns.hosts["a.test"] = {"10.0.0.1"};
  dns.srv_records["_matrix-fed._tcp.a.test"] = {{"elsewhere.test", 1, 1, 1}};
  servers["10.0.0.1:8000"] = homeserver("a.test:8000", {"a.test"});
  CheckReport report = check("a.test:8000");
  EXPECT_TRUE(report.works) << (report.fixes.empty() ? "" : report.fixes.front());
  EXPECT_EQ(visited, std::vector<std::string>{"10.0.0.1:8000 a.test"});
}

TEST_F(CheckerTest, AFailingResolverIsNotMistakenForMissingRecords) {
  dns.failure = "Could not contact DNS servers";
  CheckReport report = check("a.test");
  EXPECT_FALSE(report.works);
  ASSERT_EQ(report.fixes.size(), 1u) << report.fixes.back();
  EXPECT_TRUE(has_fix(report, "DNS lookups failed (Could not contact DNS servers)"));
  EXPECT_TRUE(visited.empty());
}

TEST_F(CheckerTest, InvalidServerName) {
  CheckReport report = check("not a name");
  EXPECT_FALSE(report.works);
  EXPECT_TRUE(has_fix(report, "is not a server name"));
  EXPECT_TRUE(visited.empty());
}

}  // namespace
}  // namespace myelin::services::federation_check
