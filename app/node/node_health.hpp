#pragma once

// GET /healthz of a node: liveness plus the counters tests and operators
// read. It answers quickly whatever else the node is doing: the router is
// asked with a short timeout and its counters are left out when it is too
// busy to answer in time.

#include "actors.hpp"
#include "router/nats_event_sink.hpp"
#include "switchboard/events/jetstream.hpp"
#include "switchboard/projections/projection_runner.hpp"

#include <caf/fwd.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sb::app {

struct health_sources {
  std::string node_id;
  std::uint32_t partitions = 0;
  std::function<std::size_t()> partitions_owned;
  const jetstream* js = nullptr;
  const router::nats_event_sink* sink = nullptr;
  /// The node's projections, sessions first.
  const std::vector<std::unique_ptr<projections::projection_runner>>*
    projections
    = nullptr;
  caf::actor_system* sys = nullptr;
  sb::call_router router;
};

/// `{"status":"ok", "node_id", "nats", "partitions_owned", ...}`.
[[nodiscard]] nlohmann::json node_health(const health_sources& from);

} // namespace sb::app
