#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/expected.hpp"

namespace myelin::http {

// A route's path pattern: "/_matrix/client/(r0|v3)/rooms/{roomId}/send/{eventType}/{txnId}".
// Each '/'-separated segment is a literal, a parameter "{name}" or a set of literal alternatives
// "(a|b)". Literals match the raw (still %-encoded) request segment, as in Synapse.
class PathTemplate {
 public:
  struct Segment {
    enum class Kind { kLiteral, kParam };
    Kind kind;
    std::string text;  // the literal, or the parameter's name
  };
  // One concrete pattern: every alternative chosen.
  using Pattern = std::vector<Segment>;

  static Expected<PathTemplate> parse(std::string_view text);

  // Every combination of the alternatives, in table order.
  std::vector<Pattern> expand() const;

 private:
  // Per segment, its alternatives (one for a plain literal or a parameter).
  std::vector<std::vector<Segment>> segments_;
};

// "/a/b/" → {"a", "b", ""}; a path that does not start with '/' has no segments.
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace myelin::http
