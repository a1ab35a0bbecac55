#pragma once

// One outgoing connection, plain or TLS, with the strand every operation on it runs on
// (internal to HttpClient and its pool).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <memory>
#include <string>

namespace myelin::http {

struct Connection {
  explicit Connection(boost::asio::strand<boost::asio::any_io_executor> on) : strand(on) {}

  boost::beast::tcp_stream& tcp() { return tls ? boost::beast::get_lowest_layer(*tls) : *plain; }

  boost::asio::strand<boost::asio::any_io_executor> strand;
  std::unique_ptr<boost::beast::tcp_stream> plain;                          // http
  std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls;  // https
  boost::beast::flat_buffer buffer;  // bytes read past a response stay for the next one
  std::string key;                   // scheme, address, port and TLS name: what the pool keys on
  std::chrono::steady_clock::time_point idle_since;
};

}  // namespace myelin::http
