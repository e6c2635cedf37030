#pragma once

// A minimal blocking HTTP/1.1 client over POSIX sockets for the simulator's
// live mode: one POST per batch, `Connection: close`, plain http only.

#include <string>

namespace sb::sim {

struct post_result {
  int status = 0;    ///< HTTP status, 0 if no answer
  std::string error; ///< why there is no answer
  std::string body;
};

/// POSTs `body` to `base_url` + `target` (base_url: http://host[:port]
/// with an optional path prefix) with `Authorization: Bearer key`.
[[nodiscard]] post_result http_post(const std::string& base_url,
                                    const std::string& target,
                                    const std::string& key,
                                    const std::string& body);

} // namespace sb::sim
