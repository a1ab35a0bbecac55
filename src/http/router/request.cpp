#include "http/router/request.hpp"

#include <stdexcept>

namespace myelin::http {

const std::string& Request::param(std::string_view name) const {
  for (const auto& [n, v] : path_params) {
    if (n == name) return v;
  }
  throw std::out_of_range("route has no path parameter " + std::string(name));
}

}  // namespace myelin::http
