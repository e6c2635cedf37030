#pragma once

// Everything the HTTP API needs from the outside: where to listen, how many
// threads, the body limit, a store factory, the ingest service and a health
// probe. Plain data; the caller keeps `ingest` alive while the server runs.

#include "ingest/ingest_service.hpp"
#include "switchboard/db/store.hpp"

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace sb::app::http {

/// Makes one store (one database connection, not thread-safe).
using store_factory
  = std::function<caf::expected<std::unique_ptr<db::store>>()>;

/// Returns `{"status":"ok", ...}` when healthy; any other `status` (or an
/// exception) makes GET /healthz answer 503.
using health_probe = std::function<nlohmann::json()>;

struct api_config {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080; ///< 0 picks a free port (see api_server::port)
  /// RESTinio's worker threads; handlers run (and block on the store or on
  /// JetStream) on them, so this is also the number of requests served at
  /// once and the number of pooled store connections. 2..4 is plenty.
  std::size_t threads = 2;
  /// Larger bodies get 413. Bodies larger than twice this are cut off by
  /// the HTTP parser, which closes the connection without an answer.
  std::uint64_t max_body_bytes = std::uint64_t{64} << 20;
  store_factory stores;
  app::ingest_service* ingest = nullptr; ///< required, not owned
  health_probe probe;                    ///< optional: always ok if empty
  /// How long a successful key lookup is trusted (a revoked key keeps
  /// working for up to this long).
  std::chrono::milliseconds auth_cache_ttl = std::chrono::seconds{10};
};

} // namespace sb::app::http
