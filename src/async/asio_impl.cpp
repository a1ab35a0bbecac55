// Asio, its TLS support and Beast, compiled once for the whole program rather than in every
// translation unit that includes them (BOOST_ASIO_SEPARATE_COMPILATION): keeps builds fast.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
