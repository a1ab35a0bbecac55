#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "http/server/listener_resources.hpp"

namespace myelin::http {

// PEM files for a TLS listener.
struct TlsFiles {
  std::string certificate_chain_path;
  std::string private_key_path;
};

struct ListenerOptions {
  std::string name = "client";  // "client", "federation": names the listener in logs
  std::string address = "127.0.0.1";
  std::uint16_t port = 8008;  // 0: any free port (tests); HttpServer::port() tells which
  std::optional<TlsFiles> tls;
  // Behind a reverse proxy: the client address is X-Forwarded-For's (see client_address.hpp).
  bool x_forwarded = false;
  ListenerResources resources;  // which APIs it answers (default: all)
};

struct ServerOptions {
  std::vector<ListenerOptions> listeners;
  // Request bodies above this are refused with 413 M_TOO_LARGE, before they are read when the
  // client declares a Content-Length. 50 MiB: Synapse's default max_upload_size.
  std::size_t body_limit = 50 * 1024 * 1024;
  std::size_t header_limit = 64 * 1024;
  // Time allowed for a request's head, counted from when the session starts waiting for it (so
  // it is also the keep-alive idle timeout): a client trickling its headers (slow-loris) loses
  // the connection.
  std::chrono::milliseconds header_timeout = std::chrono::seconds(30);
  // Time allowed for the whole body once the head has arrived.
  std::chrono::milliseconds body_timeout = std::chrono::seconds(60);
  // Time allowed for writing a response (and for a TLS handshake).
  std::chrono::milliseconds write_timeout = std::chrono::seconds(60);
};

}  // namespace myelin::http
