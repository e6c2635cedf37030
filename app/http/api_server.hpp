#pragma once

// The HTTP API server: Boost.Beast on one I/O thread, handlers on worker
// pools per lane (health, reads, ingest), behind a pimpl so this header
// stays light. Routes, threads, limits and errors: app/README.md; the
// design: docs/adr/0006-http-on-beast.md.

#include "http/api_config.hpp"

#include <caf/expected.hpp>

#include <cstdint>
#include <memory>

namespace sb::app::http {

class api_server {
public:
  api_server();
  ~api_server(); ///< stops the server
  api_server(const api_server&) = delete;
  api_server& operator=(const api_server&) = delete;

  /// Binds and starts serving, then returns the bound port. Fails if
  /// already running, on a bad config, or if the address cannot be bound.
  caf::expected<std::uint16_t> start(api_config config);

  /// Stops accepting, closes idle connections, lets running and queued
  /// handlers finish and their answers go out (for up to 5 s), joins the
  /// threads. Idempotent.
  void stop();

  /// The bound port, 0 when not running.
  [[nodiscard]] std::uint16_t port() const noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace sb::app::http
