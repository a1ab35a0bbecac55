#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace myelin {

// An expected outcome that may fail: a value, or the reason it could not be produced. Protocol
// code returns these for outcomes that are not exceptional (bad input from the network, an event
// failing auth); std::expected arrives only in C++23.
template <typename E>
struct Unexpected {
  E error;
};

template <typename E>
Unexpected(E) -> Unexpected<E>;

inline Unexpected<std::string> fail(std::string reason) { return {std::move(reason)}; }

template <typename T, typename E = std::string>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  template <typename U>
  Expected(Unexpected<U> u) : state_(std::in_place_index<1>, E(std::move(u.error))) {}

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const {
    assert(!has_value());
    return std::get<1>(state_);
  }

 private:
  std::variant<T, E> state_;
};

// For operations that produce nothing but may fail.
struct Ok {};

}  // namespace myelin
