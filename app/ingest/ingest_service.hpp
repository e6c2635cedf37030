#pragma once

// What the HTTP API and the `ingest` subcommand call to take raw input in:
// parse (gateway), dead-letter what cannot be parsed, publish the kept
// signals to SB_SIGNALS. Returns once JetStream has stored them.

#include "switchboard/events/signal.hpp"

#include <caf/expected.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sb::app {

struct ingest_request {
  std::string tenant_id;
  std::string agent_id;
  std::string call_id; ///< the `call_id` query parameter, may be empty
  std::string_view body;
};

struct ingest_report {
  std::uint64_t lines = 0;
  std::uint64_t kept = 0; ///< lines that became signals
  std::uint64_t dropped = 0;
  std::uint64_t dead_lettered = 0;
  /// Of dead_lettered: signals too large for one message even alone
  /// (README "Limits"), kept in SB_DEADLETTER with reason `too_large`.
  std::uint64_t too_large = 0;
  std::vector<std::string> call_ids; ///< distinct, in order of appearance
  std::string generated_call_id; ///< set if the request was one unnamed call
};

class ingest_service {
public:
  virtual ~ingest_service() = default;

  /// A raw Pipecat log. Errors only when NATS is unavailable (disconnected,
  /// or a publish failed): then retrying may succeed. Input too large for
  /// the limits is dead-lettered and counted in the report, never an error.
  virtual caf::expected<ingest_report> ingest_pipecat(const ingest_request&)
    = 0;

  /// Already-normalized signals (POST /v1/ingest/events, after JSON
  /// validation); `lines` counts the signals. Errors as ingest_pipecat.
  virtual caf::expected<ingest_report>
  ingest_signals(const std::string& tenant_id, const std::string& agent_id,
                 std::vector<signal> signals)
    = 0;
};

} // namespace sb::app
