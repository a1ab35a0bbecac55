#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "base/matrix_error.hpp"
#include "http/router/path_template.hpp"
#include "http/router/path_trie.hpp"
#include "http/router/route.hpp"

namespace myelin::http {

// The route table, indexed for matching. Defined in this header on purpose: Route names
// asio::awaitable, and Asio is compiled once in myelin_async (BOOST_ASIO_SEPARATE_COMPILATION),
// which this module does not link; the router's .cpp files (PathTrie, PathTemplate) therefore
// stay free of Asio and this thin class is compiled where Asio's configuration is known.
class Router {
 public:
  struct Match {
    const Route* route;
    PathParams params;
  };

  // Throws std::invalid_argument for a malformed template or two routes with the same method
  // and path: bugs in the table, found at start-up.
  explicit Router(std::vector<Route> routes) : routes_(std::move(routes)) {
    for (std::size_t i = 0; i < routes_.size(); ++i) {
      const Route& route = routes_[i];
      auto parsed = PathTemplate::parse(route.path);
      if (!parsed) {
        throw std::invalid_argument(std::string(route.path) + ": " + parsed.error());
      }
      for (const auto& pattern : parsed->expand()) {
        if (!trie_.insert(pattern, route.method, i)) {
          throw std::invalid_argument(std::string(method_name(route.method)) + " " +
                                      std::string(route.path) + ": duplicate route");
        }
      }
    }
  }

  // The route for `method` on the raw `path`, with its parameters decoded. Throws
  // MatrixError M_UNRECOGNIZED: 404 for no such path, 405 for a path without this method, 400
  // for a parameter whose %-encoding is invalid.
  Match match(Method method, std::string_view path) const {
    PathTrie::Match found = trie_.match(method, path);
    switch (found.outcome) {
      case PathTrie::Match::Outcome::kFound:
        return Match{&routes_[found.route_index], std::move(found.params)};
      case PathTrie::Match::Outcome::kWrongMethod:
        throw MatrixError::unrecognized(MatrixError::Unrecognized::kMethod,
                                        "Unrecognized request: method not allowed");
      case PathTrie::Match::Outcome::kBadEncoding:
        throw MatrixError::unrecognized(MatrixError::Unrecognized::kBadRequest, found.error);
      case PathTrie::Match::Outcome::kNoPath:
        break;
    }
    throw MatrixError::unrecognized(MatrixError::Unrecognized::kEndpoint, "Unrecognized request");
  }

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  PathTrie trie_;
};

}  // namespace myelin::http
