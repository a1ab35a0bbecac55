#pragma once

// For the keys' unit tests (included by *_test.cpp files only): remote servers and notaries
// answering in-process with key documents signed by test keys — the network boundary of
// KeyRing. The real servers are exercised by the e2e and federation rigs.
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "base/base64.hpp"
#include "protocol/crypto/json_signing.hpp"
#include "protocol/crypto/signing_key.hpp"
#include "services/federation/client/federation_transport.hpp"

namespace myelin::services::testing {

class FakeKeyTransport : public FederationTransport {
 public:
  struct OldKey {
    crypto::SigningKey key = crypto::SigningKey::generate();
    std::int64_t expired_ts = 0;
  };
  // A remote homeserver's key document, as it serves it.
  struct Remote {
    std::vector<crypto::SigningKey> keys;  // verify_keys, each signing the document
    std::vector<OldKey> old_keys;
    std::int64_t valid_until_ts = 0;
    bool reachable = true;    // false: GET /_matrix/key/v2/server fails
    std::string served_name;  // "" : its own name
    // Runs after signing, to forge or break the document.
    std::function<void(boost::json::object&)> tamper;
  };
  // A notary: answers POST /_matrix/key/v2/query for every server in `remotes` (reachable or
  // not, as if from its cache), signing each document with its key.
  struct Notary {
    crypto::SigningKey key = crypto::SigningKey::generate();
    bool reachable = true;
  };

  std::map<std::string, Remote> remotes;
  std::map<std::string, Notary> notaries;

  int calls(const std::string& destination, const std::string& path) const {
    std::lock_guard lock(mutex_);
    int n = 0;
    for (const auto& [d, p] : calls_) n += d == destination && p == path;
    return n;
  }
  int direct_calls(const std::string& server) const {
    return calls(server, "/_matrix/key/v2/server");
  }
  int notary_calls(const std::string& notary) const {
    return calls(notary, "/_matrix/key/v2/query");
  }
  // The last notary query's body.
  boost::json::object last_query() const {
    std::lock_guard lock(mutex_);
    return last_query_;
  }

  boost::json::object document(const std::string& server) const {
    const Remote& remote = remotes.at(server);
    boost::json::object verify_keys;
    for (const auto& key : remote.keys) {
      verify_keys[key.key_id()] = boost::json::object{{"key", key.public_key_base64()}};
    }
    boost::json::object old_verify_keys;
    for (const auto& old : remote.old_keys) {
      old_verify_keys[old.key.key_id()] =
          boost::json::object{{"key", old.key.public_key_base64()}, {"expired_ts", old.expired_ts}};
    }
    boost::json::object doc{
        {"server_name", remote.served_name.empty() ? server : remote.served_name},
        {"verify_keys", verify_keys},
        {"old_verify_keys", old_verify_keys},
        {"valid_until_ts", remote.valid_until_ts}};
    for (const auto& key : remote.keys) crypto::sign_json(doc, server, key);
    if (remote.tamper) remote.tamper(doc);
    return doc;
  }

  boost::asio::awaitable<boost::json::value> request(std::string, std::string, std::string,
                                                     std::optional<boost::json::value>) override {
    throw FederationUnreachable("signed requests are not used by the key ring");
    co_return boost::json::value();
  }

  boost::asio::awaitable<boost::json::value> request_unsigned(
      std::string destination, std::string method, std::string path,
      std::optional<boost::json::value> body) override {
    {
      std::lock_guard lock(mutex_);
      calls_.emplace_back(destination, path);
      if (body && body->is_object()) last_query_ = body->as_object();
    }
    // A real answer takes a while: lets concurrent askers overlap.
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    timer.expires_after(std::chrono::milliseconds(5));
    co_await timer.async_wait(boost::asio::use_awaitable);

    if (method == "GET" && path == "/_matrix/key/v2/server") {
      auto it = remotes.find(destination);
      if (it == remotes.end() || !it->second.reachable) {
        throw FederationUnreachable("connection refused");
      }
      co_return document(destination);
    }
    if (method == "POST" && path == "/_matrix/key/v2/query") {
      auto notary = notaries.find(destination);
      if (notary == notaries.end() || !notary->second.reachable) {
        throw FederationUnreachable("connection refused");
      }
      boost::json::array answers;
      for (const auto& [server, criteria] : body->as_object().at("server_keys").as_object()) {
        (void)criteria;
        if (!remotes.contains(std::string(server))) continue;
        boost::json::object doc = document(std::string(server));
        crypto::sign_json(doc, destination, notary->second.key);
        answers.push_back(std::move(doc));
      }
      co_return boost::json::object{{"server_keys", std::move(answers)}};
    }
    throw FederationRequestError(404, "M_UNRECOGNIZED", "no such endpoint");
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> calls_;
  boost::json::object last_query_;
};

}  // namespace myelin::services::testing
