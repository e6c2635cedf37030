#include "support/sse_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace sb::test {

sse_client::sse_client(std::uint16_t port, const std::string& target,
                       const header_list& headers) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0)
    throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    throw std::runtime_error(std::string{"connect: "} + std::strerror(errno));
  }
  std::string head = "GET " + target
                     + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: "
                       "text/event-stream\r\n";
  for (const auto& [name, value] : headers)
    head += name + ": " + value + "\r\n";
  head += "\r\n";
  if (::send(fd_, head.data(), head.size(), MSG_NOSIGNAL)
      != static_cast<ssize_t>(head.size())) {
    ::close(fd_);
    throw std::runtime_error("send failed");
  }
  thread_ = std::thread([this] { run(); });
}

sse_client::~sse_client() {
  stop();
}

void sse_client::stop() {
  if (stopping_.exchange(true))
    return;
  ::shutdown(fd_, SHUT_RDWR); // wakes the reader
  if (thread_.joinable())
    thread_.join();
  ::close(fd_);
}

std::vector<sse_event> sse_client::events() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return events_;
}

std::string sse_client::last_id() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return last_id_;
}

void sse_client::run() {
  std::string raw;
  bool in_body = false;
  char buf[16384];
  while (!stopping_) {
    auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      if (n < 0 && errno == EINTR)
        continue;
      return;
    }
    raw.append(buf, static_cast<std::size_t>(n));
    if (!in_body) {
      auto end = raw.find("\r\n\r\n");
      if (end == std::string::npos)
        continue;
      status_ = std::stoi(raw.substr(9, 3));
      raw.erase(0, end + 4);
      in_body = true;
    }
    // Whole chunks: "<hex size>\r\n<bytes>\r\n".
    for (;;) {
      auto eol = raw.find("\r\n");
      if (eol == std::string::npos)
        break;
      auto size = std::stoull(raw.substr(0, eol), nullptr, 16);
      if (size == 0)
        return; // the last chunk
      if (raw.size() < eol + 2 + size + 2)
        break;
      on_text(raw.substr(eol + 2, size));
      raw.erase(0, eol + 2 + size + 2);
    }
  }
}

void sse_client::on_text(const std::string& text) {
  std::lock_guard<std::mutex> guard{mtx_};
  pending_ += text;
  for (;;) {
    auto end = pending_.find("\n\n");
    if (end == std::string::npos)
      return;
    auto block = pending_.substr(0, end + 1);
    pending_.erase(0, end + 2);
    sse_event e;
    bool any = false;
    std::size_t pos = 0;
    while (pos < block.size()) {
      auto eol = block.find('\n', pos);
      auto line = block.substr(pos, eol - pos);
      pos = eol + 1;
      if (!line.empty() && line[0] == ':') {
        ++comments_;
        continue;
      }
      auto colon = line.find(':');
      auto field = line.substr(0, colon);
      auto value = colon == std::string::npos ? "" : line.substr(colon + 1);
      if (!value.empty() && value[0] == ' ')
        value.erase(0, 1);
      if (field == "id") {
        e.id = value;
        last_id_ = value;
      } else if (field == "event") {
        e.type = value;
        any = true;
      } else if (field == "data") {
        e.data += value;
        any = true;
      }
    }
    if (any) {
      if (e.type.empty())
        e.type = "message";
      events_.push_back(std::move(e));
    }
  }
}

} // namespace sb::test
