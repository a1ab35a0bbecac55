#include "bench/load/server_address.hpp"

#include <boost/asio/io_context.hpp>
#include <stdexcept>

namespace myelin::loadgen {

ServerAddress parse_server_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) {
    throw std::invalid_argument("server URL must start with http://: " + std::string(url));
  }
  std::string_view authority = url.substr(kScheme.size());
  if (authority.ends_with('/')) authority.remove_suffix(1);
  const std::size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos || authority.find('/') != std::string_view::npos) {
    throw std::invalid_argument("server URL must be http://HOST:PORT: " + std::string(url));
  }
  const std::string host(authority.substr(0, colon));
  const std::string port(authority.substr(colon + 1));

  boost::asio::io_context io;
  boost::asio::ip::tcp::resolver resolver(io);
  const auto results = resolver.resolve(host, port);  // throws system_error on failure
  return ServerAddress{.endpoint = results.begin()->endpoint(),
                       .host_header = std::string(authority)};
}

}  // namespace myelin::loadgen
