#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.hpp"
#include "http/router/method.hpp"
#include "http/router/path_template.hpp"
#include "http/router/request.hpp"

namespace myelin::http {

// Path patterns in a tree of segments, so matching costs one map lookup per segment however
// many routes there are. A literal child is tried before a parameter child; the search backs
// up only when the literal branch has no route for the path at all.
class PathTrie {
 public:
  // Adds `pattern` for `method`, answering with `route_index`. Fails when the same method
  // already has a route with this shape.
  Expected<Ok> insert(const PathTemplate::Pattern& pattern, Method method, std::size_t route_index);

  struct Match {
    enum class Outcome { kFound, kNoPath, kWrongMethod, kBadEncoding };
    Outcome outcome = Outcome::kNoPath;
    std::size_t route_index = 0;  // kFound
    PathParams params;            // kFound: decoded
    std::vector<Method> allowed;  // kWrongMethod: the methods the path does have
    std::string error;            // kBadEncoding
  };
  // `path` is the raw request path ("/a/b%20c"), without the query.
  Match match(Method method, std::string_view path) const;

 private:
  struct Target {
    std::size_t route_index;
    std::vector<std::string> param_names;
  };
  struct Node {
    std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
    std::unique_ptr<Node> param;
    std::array<std::optional<Target>, kMethodCount> targets;
    bool has_targets() const;
  };

  const Node* find(const Node& node, const std::vector<std::string_view>& segments,
                   std::size_t index, Method method, std::vector<std::string_view>& values,
                   const Node*& path_only) const;

  Node root_;
};

}  // namespace myelin::http
