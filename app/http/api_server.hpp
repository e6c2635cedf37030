#pragma once

// The HTTP API server: RESTinio on its own thread pool behind a pimpl, so
// this header stays light. Routes and their JSON shapes: app/README.md.

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

  /// Binds and starts serving on `config.threads` threads, then returns the
  /// bound port. Fails if already running, on a bad config, or if the
  /// address cannot be bound.
  caf::expected<std::uint16_t> start(api_config config);

  /// Stops accepting, lets running handlers finish and joins the threads.
  /// Idempotent.
  void stop();

  /// The bound port, 0 when not running.
  [[nodiscard]] std::uint16_t port() const noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace sb::app::http
