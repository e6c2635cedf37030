#include "support/http_client.hpp"

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

struct fd_guard {
  int fd;
  ~fd_guard() {
    if (fd >= 0)
      ::close(fd);
  }
};

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    auto n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      throw std::runtime_error(std::string{"send: "} + std::strerror(errno));
    }
    sent += static_cast<std::size_t>(n);
  }
}

/// The body of a chunked answer; throws if it was cut off before its last
/// (empty) chunk.
std::string dechunk(const std::string& raw) {
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    auto eol = raw.find("\r\n", pos);
    if (eol == std::string::npos)
      throw std::runtime_error("chunked body cut off");
    auto size = std::stoull(raw.substr(pos, eol - pos), nullptr, 16);
    pos = eol + 2;
    if (size == 0)
      return out;
    if (pos + size + 2 > raw.size())
      throw std::runtime_error("chunked body cut off");
    out.append(raw, pos, size);
    pos += size + 2;
  }
}

http_response parse(const std::string& raw, bool head) {
  auto head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos || raw.compare(0, 9, "HTTP/1.1 ") != 0)
    throw std::runtime_error("not an HTTP answer: " + raw.substr(0, 200));
  http_response r;
  r.status = std::stoi(raw.substr(9, 3));
  std::size_t pos = raw.find("\r\n") + 2;
  while (pos < head_end) {
    auto eol = raw.find("\r\n", pos);
    auto line = raw.substr(pos, eol - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      auto value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ')
        value.erase(0, 1);
      r.headers[lower(line.substr(0, colon))] = value;
    }
    pos = eol + 2;
  }
  r.body = raw.substr(head_end + 4);
  auto coding = r.headers.find("transfer-encoding");
  if (!head && coding != r.headers.end()
      && lower(coding->second) == "chunked")
    r.body = dechunk(r.body);
  auto length = r.headers.find("content-length");
  if (!head && length != r.headers.end()
      && std::stoull(length->second) != r.body.size())
    throw std::runtime_error("body shorter than Content-Length");
  return r;
}

} // namespace

http_response http_request(std::uint16_t port, const std::string& method,
                           const std::string& target, const std::string& body,
                           const header_list& headers) {
  fd_guard sock{::socket(AF_INET, SOCK_STREAM, 0)};
  if (sock.fd < 0)
    throw std::runtime_error("socket failed");
  timeval tv{30, 0};
  ::setsockopt(sock.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(sock.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(sock.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr)
      != 0)
    throw std::runtime_error(std::string{"connect: "} + std::strerror(errno));
  std::string head = method + " " + target + " HTTP/1.1\r\n"
                     + "Host: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [name, value] : headers)
    head += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT")
    head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  head += "\r\n";
  send_all(sock.fd, head);
  send_all(sock.fd, body);
  std::string raw;
  char buf[65536];
  for (;;) {
    auto n = ::recv(sock.fd, buf, sizeof buf, 0);
    if (n == 0)
      break;
    if (n < 0) {
      if (errno == EINTR)
        continue;
      throw std::runtime_error(std::string{"recv: "} + std::strerror(errno));
    }
    raw.append(buf, static_cast<std::size_t>(n));
  }
  return parse(raw, method == "HEAD");
}

} // namespace sb::test
