#pragma once

// A real dnsmasq on a free loopback port for tests (header-only; included by *_test.cpp files
// only). Answers for the records given and refuses to recurse anywhere (--no-resolv, --local):
// no test query leaves the machine. Stopped by its PID.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace myelin::http::dns::testing {

class DnsmasqServer {
 public:
  // `records` are dnsmasq options, e.g. "--host-record=a.example.test,127.0.0.2,::1" or
  // "--srv-host=_matrix-fed._tcp.example.test,target.example.test,8448,10,5".
  // `local_domain`: names under it that have no record answer NXDOMAIN at once.
  explicit DnsmasqServer(std::vector<std::string> records, std::string local_domain = "test") {
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = free_port();
      if (start(records, local_domain) && wait_ready()) return;
      stop();
    }
    throw std::runtime_error("dnsmasq did not start");
  }
  ~DnsmasqServer() { stop(); }
  DnsmasqServer(const DnsmasqServer&) = delete;
  DnsmasqServer& operator=(const DnsmasqServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string server() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  static std::uint16_t free_port() {
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    close(fd);
    return ntohs(address.sin_port);
  }

  bool start(const std::vector<std::string>& records, const std::string& local_domain) {
    pid_file_ =
        "/tmp/myelin-dnsmasq-" + std::to_string(getpid()) + "-" + std::to_string(port_) + ".pid";
    std::vector<std::string> args = {"/usr/sbin/dnsmasq",
                                     "--no-daemon",
                                     "--no-resolv",
                                     "--no-hosts",
                                     "--bind-interfaces",
                                     "--listen-address=127.0.0.1",
                                     "--port=" + std::to_string(port_),
                                     "--pid-file=" + pid_file_,
                                     "--local=/" + local_domain + "/",
                                     "--cache-size=0",
                                     "--log-facility=/dev/null"};
    if (geteuid() == 0) args.push_back("--user=root");  // keeps the pid file ours to remove
    args.insert(args.end(), records.begin(), records.end());
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    // fork+exec rather than posix_spawn: the child asks to be sent SIGTERM when the test
    // process dies, so a crashed test leaves no dnsmasq behind.
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (getppid() != parent) _exit(1);  // the test died before prctl took effect
      const int null = open("/dev/null", O_RDWR);
      dup2(null, 1);
      dup2(null, 2);
      execv(argv[0], argv.data());
      _exit(127);
    }
    return pid_ > 0;
  }

  // dnsmasq listens on TCP as well as UDP: a TCP connect succeeding means it answers.
  bool wait_ready() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      const int fd = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      address.sin_port = htons(port_);
      const bool up = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
      close(fd);
      if (up) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
      pid_ = -1;
    }
    if (!pid_file_.empty()) unlink(pid_file_.c_str());
  }

  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  std::string pid_file_;
};

}  // namespace myelin::http::dns::testing
