#pragma once

// A throwaway certificate authority made with the real openssl tool, for TLS tests
// (header-only; included by *_test.cpp files only). Leaf certificates carry the names given as
// subjectAltNames ("DNS:a.example.test", "IP:127.0.0.1", "IP:::1").
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace myelin::http::testing {

struct CertificateFiles {
  std::string certificate;  // PEM
  std::string private_key;  // PEM
};

class TestPki {
 public:
  TestPki() {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("myelin-pki-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
    run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
        "-subj '/CN=Myelin Test CA' -addext basicConstraints=critical,CA:TRUE "
        "-addext keyUsage=critical,keyCertSign,cRLSign -keyout " +
        path("ca.key") + " -out " + path("ca.pem"));
  }
  ~TestPki() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  // The CA certificate: what trusted_ca_files names.
  std::string ca_file() const { return path("ca.pem"); }

  // A leaf signed by the CA, valid for `names`.
  CertificateFiles issue(const std::string& label, const std::vector<std::string>& names) {
    const std::string ext = path(label + ".ext");
    write_extensions(ext, names);
    run("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=" + label +
        " -keyout " + path(label + ".key") + " -out " + path(label + ".csr"));
    run("openssl x509 -req -days 1 -in " + path(label + ".csr") + " -CA " + path("ca.pem") +
        " -CAkey " + path("ca.key") + " -CAcreateserial -extfile " + ext + " -out " +
        path(label + ".pem"));
    return {path(label + ".pem"), path(label + ".key")};
  }

  // Signed by itself: right names, but no trusted issuer.
  CertificateFiles self_signed(const std::string& label, const std::vector<std::string>& names) {
    std::string sans;
    for (const std::string& name : names) sans += (sans.empty() ? "" : ",") + name;
    run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=" +
        label + " -addext subjectAltName=" + sans + " -keyout " + path(label + ".key") + " -out " +
        path(label + ".pem"));
    return {path(label + ".pem"), path(label + ".key")};
  }

 private:
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  static void write_extensions(const std::string& file, const std::vector<std::string>& names) {
    std::string sans;
    for (const std::string& name : names) sans += (sans.empty() ? "" : ",") + name;
    std::ofstream out(file);
    out << "subjectAltName=" << sans << "\nbasicConstraints=CA:FALSE\n"
        << "extendedKeyUsage=serverAuth\n";
  }

  static void run(const std::string& command) {
    if (std::system((command + " >/dev/null 2>&1").c_str()) != 0) {
      throw std::runtime_error("openssl failed: " + command);
    }
  }

  std::filesystem::path dir_;
};

}  // namespace myelin::http::testing
