#pragma once

// A raw connection for what tests/support/http_client cannot send: malformed
// or oversized requests, several requests on one connection (keep-alive,
// pipelining), a request sent in pieces. Reads answers one at a time.

#include "support/http_client.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sb::test {

class raw_connection {
public:
  /// Connects to 127.0.0.1:`port`; throws std::runtime_error if it cannot.
  explicit raw_connection(std::uint16_t port);
  ~raw_connection();
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  /// Sends all of `bytes`; false if the server closed or reset the
  /// connection first (or sending stalled for 10 s).
  bool send(std::string_view bytes);

  /// Reads the next answer (an interim 100 Continue counts as one): status
  /// line, headers, and a body of Content-Length bytes (none for a `head`
  /// answer). nullopt if the connection ends first (closed or reset).
  /// Throws std::runtime_error after 10 s without a byte.
  std::optional<http_response> read_response(bool head = false);

  /// Whether the server ends the connection in an orderly way (EOF with no
  /// further bytes) within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout);

  /// Whether the server reset the connection (rather than closing it).
  [[nodiscard]] bool was_reset() const noexcept { return reset_; }

private:
  /// recv into pending_; >0 bytes read, 0 EOF, -1 reset, -2 timeout.
  int fill();

  int fd_ = -1;
  std::string pending_;
  bool reset_ = false;
};

} // namespace sb::test
