#pragma once

// One Switchboard node: the call router and its calls for every partition
// it can lease, the sessions projection, and the HTTP API. `run_node`
// blocks until SIGINT or SIGTERM, then shuts down in order.

#include "call/call_actor.hpp"

#include <cstdint>
#include <string>

namespace sb::app {

struct node_options {
  std::string nats_url = "nats://127.0.0.1:4222";
  std::string pg_url;
  std::string listen = "127.0.0.1:8080";
  std::string node_id = "node-1";
  std::uint32_t partitions = 64;
  call::call_timeouts timeouts;
  std::int64_t lease_ttl_ms = 10'000;
  std::size_t http_threads = 2;
  /// Analysis rules (tags, prices) file; "" = the built-in defaults.
  std::string rules_path;
  /// Tests only: the first projection to commit this many batches kills
  /// the node right after the commit (0: never).
  std::uint64_t failpoint_kill_after_batches = 0;
};

/// Runs until stopped; returns the process exit code.
int run_node(const node_options& options);

} // namespace sb::app
