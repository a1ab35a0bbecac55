#include "protocol/events/event_signing.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string_view>

#include "base/base64.hpp"
#include "protocol/events/content_hash.hpp"
#include "protocol/events/redaction.hpp"
#include "protocol/json/canonical.hpp"
#include "protocol/json/parse.hpp"

namespace myelin::events {
namespace {

namespace bj = boost::json;

bj::object parse(std::string_view text) { return json::parse_object(text).value(); }

const RoomVersion& version(std::string_view id) { return *find_room_version(id); }

// Spec appendix "Cryptographic Test Vectors" → "Signing Key": SERVER_NAME "domain", KEY_ID
// "ed25519:1".
crypto::SigningKey appendix_key() {
  std::string seed = base64::decode("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1").value();
  return crypto::SigningKey::from_seed(seed, "1").value();
}

// The appendix's events carry "origin", which redaction protects until v11, so the vectors were
// produced with the v1–v10 algorithm.
TEST(EventSigning, AppendixMinimalEvent) {
  bj::object event = parse(R"({
    "room_id": "!x:domain",
    "sender": "@a:domain",
    "origin": "domain",
    "origin_server_ts": 1000000,
    "signatures": {},
    "hashes": {},
    "type": "X",
    "content": {},
    "prev_events": [],
    "auth_events": [],
    "depth": 3,
    "unsigned": {
        "age_ts": 1000000
    }
  })");
  sign_event(event, "domain", appendix_key(), version("1"));
  bj::object expected = parse(R"({
    "auth_events": [],
    "content": {},
    "depth": 3,
    "hashes": {
        "sha256": "5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos"
    },
    "origin": "domain",
    "origin_server_ts": 1000000,
    "prev_events": [],
    "room_id": "!x:domain",
    "sender": "@a:domain",
    "signatures": {
        "domain": {
            "ed25519:1": "KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg"
        }
    },
    "type": "X",
    "unsigned": {
        "age_ts": 1000000
    }
  })");
  EXPECT_EQ(json::encode_canonical(event), json::encode_canonical(expected));
}

constexpr std::string_view kRedactableEvent = R"({
    "content": {
        "body": "Here is the message content"
    },
    "event_id": "$0:domain",
    "origin": "domain",
    "origin_server_ts": 1000000,
    "type": "m.room.message",
    "room_id": "!r:domain",
    "sender": "@u:domain",
    "signatures": {},
    "unsigned": {
        "age_ts": 1000000
    }
})";

constexpr std::string_view kRedactableEventSigned = R"({
    "content": {
        "body": "Here is the message content"
    },
    "event_id": "$0:domain",
    "hashes": {
        "sha256": "onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g"
    },
    "origin": "domain",
    "origin_server_ts": 1000000,
    "type": "m.room.message",
    "room_id": "!r:domain",
    "sender": "@u:domain",
    "signatures": {
        "domain": {
            "ed25519:1": "Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA"
        }
    },
    "unsigned": {
        "age_ts": 1000000
    }
})";

TEST(EventSigning, AppendixRedactableEvent) {
  bj::object event = parse(kRedactableEvent);
  sign_event(event, "domain", appendix_key(), version("1"));
  EXPECT_EQ(json::encode_canonical(event), json::encode_canonical(parse(kRedactableEventSigned)));
}

TEST(EventSigning, SigningKeepsOtherServersSignatures) {
  bj::object event = parse(kRedactableEvent);
  event["signatures"] = parse(R"({"other.org": {"ed25519:x": "abc"}})");
  sign_event(event, "domain", appendix_key(), version("1"));
  const bj::object& signatures = event.at("signatures").as_object();
  EXPECT_EQ(signatures.at("other.org").as_object().at("ed25519:x"), "abc");
  EXPECT_TRUE(signatures.at("domain").as_object().contains("ed25519:1"));
}

class VerifyEventSignatures : public ::testing::Test {
 protected:
  KeyLookup lookup() const {
    return [this](std::string_view server, std::string_view key_id) -> std::optional<std::string> {
      auto it = keys_.find(std::string(server) + " " + std::string(key_id));
      if (it == keys_.end()) return std::nullopt;
      return it->second;
    };
  }
  void know(std::string_view server, const crypto::SigningKey& key) {
    keys_[std::string(server) + " " + key.key_id()] = key.public_key();
  }

  std::map<std::string, std::string> keys_;
};

TEST_F(VerifyEventSignatures, AcceptsTheAppendixEventAndItsRedactedCopy) {
  know("domain", appendix_key());
  bj::object signed_event = parse(kRedactableEventSigned);
  EXPECT_TRUE(verify_event_signatures(signed_event, version("1"), lookup()));
  // "this step should succeed whether we have been sent the full event or a redacted copy"
  bj::object redacted = redact(signed_event, version("1"));
  EXPECT_TRUE(verify_event_signatures(redacted, version("1"), lookup()));
  // Content changes break the hash, not the signature.
  signed_event["content"].as_object()["body"] = "tampered";
  EXPECT_TRUE(verify_event_signatures(signed_event, version("1"), lookup()));
  EXPECT_FALSE(check_content_hash(signed_event));
}

TEST_F(VerifyEventSignatures, RejectsChangesToProtectedKeys) {
  know("domain", appendix_key());
  bj::object event = parse(kRedactableEventSigned);
  event["origin_server_ts"] = 1000001;
  Expected<Ok> result = verify_event_signatures(event, version("1"), lookup());
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().find("domain"), std::string::npos);
}

TEST_F(VerifyEventSignatures, NeedsAKnownKeyOfEveryRequiredServer) {
  bj::object event = parse(kRedactableEventSigned);
  EXPECT_FALSE(verify_event_signatures(event, version("1"), lookup()));  // key unknown
  know("domain", appendix_key());
  event["signatures"].as_object().erase("domain");
  EXPECT_FALSE(verify_event_signatures(event, version("1"), lookup()));  // not signed
}

TEST_F(VerifyEventSignatures, SkipsUnknownKeysButNotBadSignaturesOfKnownOnes) {
  crypto::SigningKey key = appendix_key();
  crypto::SigningKey other = crypto::SigningKey::from_seed(std::string(32, '\7'), "2").value();
  know("domain", key);
  bj::object event = parse(kRedactableEvent);
  event.erase("event_id");
  sign_event(event, "domain", key, version("3"));
  event["signatures"].as_object()["domain"].as_object()["ed25519:unknown"] = "AAAA";
  EXPECT_TRUE(verify_event_signatures(event, version("3"), lookup()));
  // A known key whose signature is wrong fails the event even when another key verifies.
  know("domain", other);
  event["signatures"].as_object()["domain"].as_object()["ed25519:2"] =
      event["signatures"].as_object()["domain"].as_object()["ed25519:1"];
  EXPECT_FALSE(verify_event_signatures(event, version("3"), lookup()));
}

TEST_F(VerifyEventSignatures, SignaturesCoverTheVersionsRedactedForm) {
  // From v11 "origin" is not protected, so changing it leaves the signature valid; before, not.
  crypto::SigningKey key = appendix_key();
  know("domain", key);
  for (std::string_view id : {"10", "11"}) {
    bj::object event = parse(kRedactableEvent);
    event.erase("event_id");
    sign_event(event, "domain", key, version(id));
    event["origin"] = "elsewhere";
    EXPECT_EQ(bool(verify_event_signatures(event, version(id), lookup())), id == "11") << id;
  }
}

TEST_F(VerifyEventSignatures, ChecksTheAuthorisingServerOfARestrictedJoin) {
  crypto::SigningKey joiner = appendix_key();
  crypto::SigningKey resident = crypto::SigningKey::from_seed(std::string(32, '\3'), "r").value();
  know("domain", joiner);
  know("resident.org", resident);
  bj::object event = parse(R"({"type": "m.room.member", "state_key": "@u:domain",
    "sender": "@u:domain", "room_id": "!r:resident.org", "origin_server_ts": 1, "depth": 2,
    "prev_events": [], "auth_events": [], "signatures": {}, "hashes": {},
    "content": {"membership": "join", "join_authorised_via_users_server": "@admin:resident.org"}})");
  sign_event(event, "domain", joiner, version("9"));
  EXPECT_FALSE(verify_event_signatures(event, version("9"), lookup()));
  // Before v8 the key means nothing, so only the sender's server is needed.
  bj::object v7_event = event;
  sign_event(v7_event, "domain", joiner, version("7"));
  EXPECT_TRUE(verify_event_signatures(v7_event, version("7"), lookup()));
  sign_event(event, "resident.org", resident, version("9"));
  EXPECT_TRUE(verify_event_signatures(event, version("9"), lookup()));
}

TEST(RequiredSignatures, SenderServerAndV1EventIdServer) {
  bj::object event = parse(R"({"type": "m.room.message", "sender": "@u:a.org",
    "event_id": "$e:b.org:8448", "content": {}})");
  EXPECT_EQ(required_signatures(event, version("1")),
            (std::vector<std::string>{"a.org", "b.org:8448"}));
  EXPECT_EQ(required_signatures(event, version("2")),
            (std::vector<std::string>{"a.org", "b.org:8448"}));
  EXPECT_EQ(required_signatures(event, version("3")), (std::vector<std::string>{"a.org"}));
  event["event_id"] = "$e:a.org";
  EXPECT_EQ(required_signatures(event, version("1")), (std::vector<std::string>{"a.org"}));
}

TEST(RequiredSignatures, RestrictedJoinAddsTheAuthorisingServerFromV8) {
  bj::object event = parse(R"({"type": "m.room.member", "sender": "@u:a.org",
    "state_key": "@u:a.org",
    "content": {"membership": "join", "join_authorised_via_users_server": "@x:c.org"}})");
  EXPECT_EQ(required_signatures(event, version("7")), (std::vector<std::string>{"a.org"}));
  EXPECT_EQ(required_signatures(event, version("8")), (std::vector<std::string>{"a.org", "c.org"}));
  EXPECT_EQ(required_signatures(event, version("12")),
            (std::vector<std::string>{"a.org", "c.org"}));
  // Only joins: the key on a leave does not add a requirement.
  event["content"].as_object()["membership"] = "leave";
  EXPECT_EQ(required_signatures(event, version("8")), (std::vector<std::string>{"a.org"}));
}

TEST(RequiredSignatures, ThirdPartyInviteDoesNotNeedTheSendersServer) {
  bj::object event = parse(R"({"type": "m.room.member", "sender": "@u:a.org",
    "state_key": "@v:b.org", "content": {"membership": "invite",
    "third_party_invite": {"signed": {"mxid": "@v:b.org", "token": "t"}}}})");
  EXPECT_TRUE(required_signatures(event, version("10")).empty());
  event["content"].as_object().erase("third_party_invite");
  EXPECT_EQ(required_signatures(event, version("10")), (std::vector<std::string>{"a.org"}));
}

TEST(RequiredSignatures, FromAPdu) {
  bj::object json = parse(R"({"type": "m.room.message", "sender": "@u:a.org",
    "event_id": "$e:b.org", "content": {}})");
  Pdu pdu = Pdu::from_trusted(json, version("1"), "$e:b.org");
  EXPECT_EQ(required_signatures(pdu), (std::vector<std::string>{"a.org", "b.org"}));
}

}  // namespace
}  // namespace myelin::events
