#include "http/router/path_template.hpp"

namespace myelin::http {

namespace {

bool valid_literal(std::string_view text) {
  return text.find_first_of("{}()|?#") == std::string_view::npos;
}

}  // namespace

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path.front() != '/') return segments;
  path.remove_prefix(1);
  for (;;) {
    std::size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

Expected<PathTemplate> PathTemplate::parse(std::string_view text) {
  if (text.empty() || text.front() != '/') return fail("path template must start with '/'");
  PathTemplate result;
  for (std::string_view raw : split_path(text)) {
    std::vector<Segment> alternatives;
    if (raw.size() >= 2 && raw.front() == '{' && raw.back() == '}') {
      std::string_view name = raw.substr(1, raw.size() - 2);
      if (name.empty() || !valid_literal(name))
        return fail("bad parameter segment: " + std::string(raw));
      alternatives.push_back({Segment::Kind::kParam, std::string(name)});
    } else if (raw.size() >= 2 && raw.front() == '(' && raw.back() == ')') {
      std::string_view inner = raw.substr(1, raw.size() - 2);
      for (;;) {
        std::size_t bar = inner.find('|');
        std::string_view literal = inner.substr(0, bar);
        if (literal.empty() || !valid_literal(literal)) {
          return fail("bad alternatives segment: " + std::string(raw));
        }
        alternatives.push_back({Segment::Kind::kLiteral, std::string(literal)});
        if (bar == std::string_view::npos) break;
        inner.remove_prefix(bar + 1);
      }
    } else {
      if (!valid_literal(raw)) return fail("bad literal segment: " + std::string(raw));
      alternatives.push_back({Segment::Kind::kLiteral, std::string(raw)});
    }
    result.segments_.push_back(std::move(alternatives));
  }
  return result;
}

std::vector<PathTemplate::Pattern> PathTemplate::expand() const {
  std::vector<Pattern> patterns(1);
  for (const auto& alternatives : segments_) {
    std::vector<Pattern> next;
    next.reserve(patterns.size() * alternatives.size());
    for (const Segment& choice : alternatives) {
      for (const Pattern& prefix : patterns) {
        next.push_back(prefix);
        next.back().push_back(choice);
      }
    }
    patterns = std::move(next);
  }
  return patterns;
}

}  // namespace myelin::http
