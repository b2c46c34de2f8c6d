#include "files/clamd_scanner.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace gc::files {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

[[noreturn]] void unavailable(const std::string& what) {
  throw ScannerUnavailable("clamd: " + what + ": " + std::strerror(errno));
}

// False when clamd closed its side (it does that past StreamMaxLength): its reply waits.
bool sendAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const auto n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE || errno == ECONNRESET) return false;
      unavailable("send");
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

ScanVerdict ClamdScanner::scan(const std::string& path) const {
  Fd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));

  Fd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (sock.get() < 0) unavailable("socket");
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socketPath_.size() >= sizeof address.sun_path) {
    throw ScannerUnavailable("clamd: socket path too long");
  }
  std::memcpy(address.sun_path, socketPath_.c_str(), socketPath_.size() + 1);
  // Both directions time out: a clamd that hangs is as unavailable as one that is gone.
  timeval tv{.tv_sec = static_cast<time_t>(timeout_.count()), .tv_usec = 0};
  ::setsockopt(sock.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(sock.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::connect(sock.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    unavailable("connect to " + socketPath_);
  }

  bool open = sendAll(sock.get(), kInstreamCommand.data(), kInstreamCommand.size());
  std::vector<char> chunk(std::size_t{64} * 1024);
  while (open) {
    const auto n = ::read(file.get(), chunk.data(), chunk.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
    }
    const auto prefix = chunkPrefix(static_cast<std::uint32_t>(n));
    open = sendAll(sock.get(), prefix.data(), prefix.size()) &&
           sendAll(sock.get(), chunk.data(), static_cast<std::size_t>(n));
    if (n == 0) break;  // the zero-length chunk just sent ends the stream
  }

  std::string reply;
  char buffer[512];
  while (reply.find('\0') == std::string::npos && reply.size() < 4096) {
    const auto n = ::recv(sock.get(), buffer, sizeof buffer, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      unavailable("reading the verdict");
    }
    if (n == 0) break;
    reply.append(buffer, static_cast<std::size_t>(n));
  }
  if (reply.empty()) throw ScannerUnavailable("clamd: closed without a verdict");
  return parseScanReply(reply);
}

}  // namespace gc::files
