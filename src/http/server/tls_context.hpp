#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "http/server/server_options.hpp"

namespace myelin::http {

// A server TLS context from PEM files: TLS 1.2 or newer. Throws std::runtime_error naming the
// file when one cannot be read or the key does not match the certificate.
std::unique_ptr<boost::asio::ssl::context> make_server_tls_context(const TlsFiles& files);

}  // namespace myelin::http
