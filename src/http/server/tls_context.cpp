#include "http/server/tls_context.hpp"

#include <stdexcept>

namespace myelin::http {

std::unique_ptr<boost::asio::ssl::context> make_server_tls_context(const TlsFiles& files) {
  namespace ssl = boost::asio::ssl;
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use);
  boost::system::error_code ec;
  context->use_certificate_chain_file(files.certificate_chain_path, ec);
  if (ec) {
    throw std::runtime_error("TLS certificate " + files.certificate_chain_path + ": " +
                             ec.message());
  }
  context->use_private_key_file(files.private_key_path, ssl::context::pem, ec);
  if (ec) {
    throw std::runtime_error("TLS private key " + files.private_key_path + ": " + ec.message());
  }
  return context;
}

}  // namespace myelin::http
