#include "http/router/path_trie.hpp"

#include "http/router/percent_encoding.hpp"

namespace myelin::http {

bool PathTrie::Node::has_targets() const {
  for (const auto& target : targets) {
    if (target) return true;
  }
  return false;
}

Expected<Ok> PathTrie::insert(const PathTemplate::Pattern& pattern, Method method,
                              std::size_t route_index) {
  Node* node = &root_;
  std::vector<std::string> names;
  for (const auto& segment : pattern) {
    std::unique_ptr<Node>* child;
    if (segment.kind == PathTemplate::Segment::Kind::kParam) {
      names.push_back(segment.text);
      child = &node->param;
    } else {
      child = &node->literals[segment.text];
    }
    if (!*child) *child = std::make_unique<Node>();
    node = child->get();
  }
  auto& slot = node->targets[static_cast<std::size_t>(method)];
  if (slot) return fail("duplicate route");
  slot = Target{route_index, std::move(names)};
  return Ok{};
}

const PathTrie::Node* PathTrie::find(const Node& node,
                                     const std::vector<std::string_view>& segments,
                                     std::size_t index, Method method,
                                     std::vector<std::string_view>& values,
                                     const Node*& path_only) const {
  if (index == segments.size()) {
    if (node.targets[static_cast<std::size_t>(method)]) return &node;
    if (!path_only && node.has_targets()) path_only = &node;
    return nullptr;
  }
  if (auto it = node.literals.find(segments[index]); it != node.literals.end()) {
    if (const Node* found = find(*it->second, segments, index + 1, method, values, path_only)) {
      return found;
    }
  }
  if (node.param) {
    values.push_back(segments[index]);
    if (const Node* found = find(*node.param, segments, index + 1, method, values, path_only)) {
      return found;
    }
    values.pop_back();
  }
  return nullptr;
}

PathTrie::Match PathTrie::match(Method method, std::string_view path) const {
  Match result;
  auto segments = split_path(path);
  if (segments.empty()) return result;
  std::vector<std::string_view> values;
  const Node* path_only = nullptr;
  const Node* found = find(root_, segments, 0, method, values, path_only);
  if (!found) {
    if (path_only) {
      result.outcome = Match::Outcome::kWrongMethod;
      for (std::size_t m = 0; m < path_only->targets.size(); ++m) {
        if (path_only->targets[m]) result.allowed.push_back(static_cast<Method>(m));
      }
    }
    return result;
  }
  const Target& target = *found->targets[static_cast<std::size_t>(method)];
  for (std::size_t i = 0; i < values.size(); ++i) {
    auto decoded = percent_decode(values[i]);
    if (!decoded) {
      result.outcome = Match::Outcome::kBadEncoding;
      result.error = "path parameter " + target.param_names[i] + ": " + decoded.error();
      return result;
    }
    result.params.emplace_back(target.param_names[i], std::move(*decoded));
  }
  result.outcome = Match::Outcome::kFound;
  result.route_index = target.route_index;
  return result;
}

}  // namespace myelin::http
