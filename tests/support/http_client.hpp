#pragma once

// A tiny blocking HTTP/1.1 client over a POSIX socket, for tests only: one
// request per connection (`Connection: close`), read until EOF.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sb::test {

struct http_response {
  int status = 0;
  std::map<std::string, std::string> headers; ///< names in lowercase
  std::string body;

  /// The body as JSON; throws if it is not.
  [[nodiscard]] nlohmann::json json() const {
    return nlohmann::json::parse(body);
  }

  [[nodiscard]] std::string header(const std::string& lower_name) const {
    auto i = headers.find(lower_name);
    return i == headers.end() ? std::string{} : i->second;
  }
};

using header_list = std::vector<std::pair<std::string, std::string>>;

/// Sends one request to 127.0.0.1:`port`. Throws std::runtime_error if the
/// connection fails or the answer is not HTTP.
http_response http_request(std::uint16_t port, const std::string& method,
                           const std::string& target,
                           const std::string& body = {},
                           const header_list& headers = {});

/// `Authorization: Bearer <key>`.
[[nodiscard]] inline header_list bearer(const std::string& key) {
  return {{"Authorization", "Bearer " + key}};
}

} // namespace sb::test
