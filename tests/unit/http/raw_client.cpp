#include "raw_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace sb::test {

namespace {

void set_timeout(int fd, int option, std::chrono::milliseconds t) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(t.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((t.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, option, &tv, sizeof tv);
}

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

} // namespace

raw_connection::raw_connection(std::uint16_t port)
  : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
  if (fd_ < 0)
    throw std::runtime_error("socket failed");
  set_timeout(fd_, SO_RCVTIMEO, std::chrono::seconds{10});
  set_timeout(fd_, SO_SNDTIMEO, std::chrono::seconds{10});
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    throw std::runtime_error(std::string{"connect: "} + std::strerror(errno));
  }
}

raw_connection::~raw_connection() {
  ::close(fd_);
}

bool raw_connection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno == ECONNRESET)
        reset_ = true;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

int raw_connection::fill() {
  char buf[65536];
  for (;;) {
    auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      pending_.append(buf, static_cast<std::size_t>(n));
      return static_cast<int>(n);
    }
    if (n == 0)
      return 0;
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return -2;
    reset_ = errno == ECONNRESET;
    return -1;
  }
}

std::optional<http_response> raw_connection::read_response(bool head) {
  auto need = [this](auto done) -> bool {
    while (!done()) {
      auto got = fill();
      if (got == -2)
        throw std::runtime_error("no answer within 10 s");
      if (got <= 0)
        return false;
    }
    return true;
  };
  std::size_t head_end = 0;
  if (!need([&] {
        head_end = pending_.find("\r\n\r\n");
        return head_end != std::string::npos;
      }))
    return std::nullopt;
  if (pending_.compare(0, 9, "HTTP/1.1 ") != 0)
    throw std::runtime_error("not an HTTP answer: " + pending_.substr(0, 80));
  http_response r;
  r.status = std::stoi(pending_.substr(9, 3));
  auto pos = pending_.find("\r\n") + 2;
  while (pos < head_end) {
    auto eol = pending_.find("\r\n", pos);
    auto line = pending_.substr(pos, eol - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      auto value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ')
        value.erase(0, 1);
      r.headers[lower(line.substr(0, colon))] = value;
    }
    pos = eol + 2;
  }
  std::size_t length = 0;
  if (auto i = r.headers.find("content-length"); !head && i != r.headers.end())
    length = std::stoull(i->second);
  auto body_at = head_end + 4;
  if (!need([&] { return pending_.size() >= body_at + length; }))
    return std::nullopt;
  r.body = pending_.substr(body_at, length);
  pending_.erase(0, body_at + length);
  return r;
}

bool raw_connection::closed_within(std::chrono::milliseconds timeout) {
  if (!pending_.empty())
    return false;
  set_timeout(fd_, SO_RCVTIMEO, timeout);
  auto got = fill();
  set_timeout(fd_, SO_RCVTIMEO, std::chrono::seconds{10});
  return got == 0;
}

} // namespace sb::test
