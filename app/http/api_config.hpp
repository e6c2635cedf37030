#pragma once

// Everything the HTTP API needs from the outside: where to listen, how many
// threads per lane, the limits, a store factory, the ingest service and a
// health probe. Plain data; the caller keeps `ingest` alive while the server
// runs.

#include "ingest/ingest_service.hpp"
#include "switchboard/db/store.hpp"

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace sb::app::http {

class live_hub;

/// Makes one store (one database connection, not thread-safe).
using store_factory
  = std::function<caf::expected<std::unique_ptr<db::store>>()>;

/// Returns `{"status":"ok", ...}` when healthy; any other `status` (or an
/// exception) makes GET /healthz answer 503.
using health_probe = std::function<nlohmann::json()>;

/// Request size limits (app/README.md "Limits"); over them the answer is
/// 414, 431 or 413 and the connection is closed after it.
inline constexpr std::size_t max_target_bytes = 16 * 1024; ///< path + query
inline constexpr std::size_t max_field_bytes = 16 * 1024;  ///< one header
inline constexpr std::size_t max_header_bytes = 64 * 1024; ///< all headers

struct api_config {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080; ///< 0 picks a free port (see api_server::port)
  /// Threads for the read routes (GET /v1/conversations/...); their
  /// handlers block on PostgreSQL. Also the number of idle store
  /// connections kept. 2..4 is plenty.
  std::size_t threads = 2;
  /// Read requests that may wait for a thread; more get 503 at once.
  std::size_t read_queue = 64;
  /// Threads for the ingest routes; their handlers block until JetStream
  /// acknowledges (or the ingest service gives up). Separate from `threads`,
  /// so a slow ingest never delays a read or /healthz.
  std::size_t ingest_threads = 2;
  /// Ingest requests that may wait for a thread (their bodies held in
  /// memory); more get 503 `unavailable` with Retry-After at once.
  std::size_t ingest_queue = 4;
  /// Streamed answers (exports, event streams) at once, each on a thread
  /// of its own; more get 503 `unavailable` with Retry-After.
  std::size_t max_streams = 32;
  /// Larger bodies get 413 (and the connection is closed after it).
  std::uint64_t max_body_bytes = std::uint64_t{64} << 20;
  /// A connection with no request for this long is closed; so is one that
  /// sends or takes no byte of a request or answer for this long.
  std::chrono::milliseconds idle_timeout = std::chrono::seconds{60};
  store_factory stores;
  app::ingest_service* ingest = nullptr; ///< required, not owned
  health_probe probe;                    ///< optional: always ok if empty
  /// The live view's changes (`/v1/live`); not owned. Null: 503.
  live_hub* live = nullptr;
  /// How long a successful key lookup is trusted: a revoked key keeps
  /// working on a node for up to this long (one lookup per key and second
  /// costs the database nothing).
  std::chrono::milliseconds auth_cache_ttl = std::chrono::seconds{1};
};

} // namespace sb::app::http
