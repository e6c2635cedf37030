#include "sim/live_poster.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstring>

namespace sb::sim {

namespace {

struct url_parts {
  std::string host;
  std::string port = "80";
  std::string prefix;
};

bool split_url(const std::string& url, url_parts& out, std::string& error) {
  const std::string scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0) {
    error = "only http:// URLs are supported: " + url;
    return false;
  }
  auto rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  if (slash != std::string::npos)
    out.prefix = rest.substr(slash);
  while (!out.prefix.empty() && out.prefix.back() == '/')
    out.prefix.pop_back();
  auto colon = authority.rfind(':');
  if (colon != std::string::npos) {
    out.host = authority.substr(0, colon);
    out.port = authority.substr(colon + 1);
  } else {
    out.host = authority;
  }
  if (out.host.empty()) {
    error = "no host in " + url;
    return false;
  }
  return true;
}

class socket_guard {
public:
  explicit socket_guard(int fd) : fd_(fd) {
  }
  ~socket_guard() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  socket_guard(const socket_guard&) = delete;
  socket_guard& operator=(const socket_guard&) = delete;
  int get() const noexcept {
    return fd_;
  }

private:
  int fd_;
};

} // namespace

post_result http_post(const std::string& base_url, const std::string& target,
                      const std::string& key, const std::string& body) {
  post_result out;
  url_parts url;
  if (!split_url(base_url, url, out.error))
    return out;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (auto rc = ::getaddrinfo(url.host.c_str(), url.port.c_str(), &hints,
                              &found);
      rc != 0) {
    out.error = std::string("cannot resolve ") + url.host + ": "
                + ::gai_strerror(rc);
    return out;
  }
  int fd = -1;
  for (auto* ai = found; ai != nullptr; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0)
      continue;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
      break;
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(found);
  if (fd < 0) {
    out.error = "cannot connect to " + url.host + ":" + url.port + ": "
                + std::strerror(errno);
    return out;
  }
  socket_guard guard{fd};
  timeval timeout{30, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  std::string request = "POST " + url.prefix + target + " HTTP/1.1\r\nHost: "
                        + url.host + ":" + url.port
                        + "\r\nContent-Type: text/plain; charset=utf-8"
                          "\r\nAuthorization: Bearer "
                        + key + "\r\nContent-Length: "
                        + std::to_string(body.size())
                        + "\r\nConnection: close\r\n\r\n";
  request += body;
  std::size_t sent = 0;
  while (sent < request.size()) {
    auto n = ::send(fd, request.data() + sent, request.size() - sent,
                    MSG_NOSIGNAL);
    if (n <= 0) {
      out.error = std::string("send failed: ") + std::strerror(errno);
      return out;
    }
    sent += static_cast<std::size_t>(n);
  }
  std::string response;
  char buf[8192];
  for (;;) {
    auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0)
      break;
    response.append(buf, static_cast<std::size_t>(n));
  }
  // "HTTP/1.1 202 Accepted"
  auto space = response.find(' ');
  if (response.compare(0, 5, "HTTP/") != 0 || space == std::string::npos) {
    out.error = "no HTTP answer";
    return out;
  }
  out.status = std::atoi(response.c_str() + space + 1);
  auto head_end = response.find("\r\n\r\n");
  if (head_end != std::string::npos)
    out.body = response.substr(head_end + 4);
  return out;
}

} // namespace sb::sim
