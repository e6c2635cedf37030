#pragma once

// Rebuilding projections from the event log (`switchboard replay`,
// docs/adr/0007): each named projection is folded from the first event of
// SB_EVENTS into a new generation of its tables (bulk mode: big batches,
// rows written once, COPY), catches up with the head of the stream while
// the live projection keeps serving the current generation, and is then
// swapped in with one transaction for all of them. The live projection
// goes on from the replay's checkpoint on the new tables. Replayed events
// have no other effect: nothing but the shadow tables is written.
//
// Stopping (Ctrl-C) before the swap drops the shadows: the live tables
// were never touched.

#include "switchboard/analysis/rules.hpp"
#include "switchboard/events/jetstream.hpp"
#include "switchboard/projections/projection_runner.hpp"

#include <caf/expected.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sb::projections {

struct replay_progress {
  std::uint64_t position = 0; ///< last SB_EVENTS sequence folded
  std::uint64_t head = 0;     ///< the stream's last sequence, as last seen
  std::uint64_t events = 0;   ///< events applied (per projection)
  double seconds = 0;         ///< since the replay began
  bool swapping = false;      ///< caught up; the swap is under way
};

struct replay_options {
  std::vector<std::string> projections; ///< names (registry)
  std::string pg_url;
  const analysis::rules* rules = nullptr;
  /// Bulk reading: large fetches and batches.
  runner_settings reading{10000, 200, 50000, 2000};
  /// Swap once the folded position is this close to the head.
  std::uint64_t swap_lag = 0;
  /// Called after every batch, and once before the swap.
  std::function<void(const replay_progress&)> on_progress;
  /// Set (e.g. by a signal handler) to give up: the shadows are dropped.
  const std::atomic<bool>* stop = nullptr;
};

struct replay_result {
  std::uint64_t position = 0; ///< where the live projections go on from
  std::uint64_t events = 0;
  double seconds = 0;
  std::vector<std::int32_t> generations; ///< now live, per projection
};

/// Runs a replay to its swap. db_errc::invalid_argument for an unknown
/// projection; any failure or a stop drops the shadows and answers an
/// error saying so (the live tables stay as they were).
[[nodiscard]] caf::expected<replay_result>
replay(std::shared_ptr<jetstream> js, const replay_options& options);

} // namespace sb::projections
