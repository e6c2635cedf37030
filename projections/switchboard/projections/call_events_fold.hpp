#pragma once

// The call_events projection's logic: each call's debug trace, one row per
// notable event (its start and end, each turn's latency breakdown, tool
// calls with their results, interruptions, warnings and errors, recordings,
// outside analyses), keyed by the call's start and the event's seq. A row
// never changes once made, so both modes write every batch's rows.
//
// Pure: the projection loads the stored state of a batch's calls (load),
// applies the events, and writes what take_batch() gives. Idempotent by
// the call's seq: an event at or below the call's last one adds nothing.

#include "switchboard/events/event.hpp"
#include "switchboard/projections/projection.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace sb::projections {

/// One row of call_events.
struct call_event_row {
  std::string session_id;
  std::string tenant_id;
  std::int64_t session_started_at = 0; ///< µs; the partition key
  std::uint64_t seq = 0;               ///< the event's seq in its call
  std::string type;                    ///< call_started, turn_latency, ...
  std::int64_t at = 0;                 ///< µs; when it happened
  std::string payload;                 ///< a JSON object, keys in fixed order
  std::int32_t turn = 0;               ///< the turn it belongs to; 0: none
};

/// What one batch writes: new rows, and the states of the calls it changed
/// (call id, bytes).
struct call_events_batch {
  std::vector<call_event_row> rows;
  std::vector<std::pair<std::string, std::string>> states;
};

class call_events_fold {
public:
  /// `cached_calls`: live calls kept between incremental batches; beyond
  /// it the fold forgets them all (their states are stored) and the next
  /// batches load what they need. Bulk mode keeps its live calls, whose
  /// states it writes only at the end.
  explicit call_events_fold(write_mode mode = write_mode::incremental,
                            std::size_t cached_calls = 100'000);

  /// Stored states of calls the fold does not hold; false (nothing loaded)
  /// if one cannot be read, `error` saying which.
  bool load(const std::map<std::string, std::string>& states,
            std::string& error);

  /// True when the fold holds `call_id`, or knows it has no stored state
  /// (bulk mode: a call it never wrote): nothing need be loaded.
  [[nodiscard]] bool holds(const std::string& call_id) const;

  void apply(const event& e, const event_position& at);

  /// The rows and states to commit. Incremental mode writes the state of
  /// each call the batch touched; bulk mode that of each call that ended,
  /// and of the live ones at `final`. Ended calls are forgotten (a late
  /// event loads them again).
  [[nodiscard]] call_events_batch take_batch(bool final);

  /// What the fold keeps of a call.
  struct call {
    std::string tenant_id;
    std::int64_t started_at = 0; ///< its first event's occurred_at
    std::uint64_t last_seq = 0;  ///< the last event applied
    bool ended = false;          ///< so it is forgotten once written
  };

private:
  write_mode mode_;
  std::size_t cached_calls_;
  std::unordered_map<std::string, call> calls_;
  std::set<std::string> touched_;
  std::vector<call_event_row> rows_;
  /// Bulk mode: calls whose state was written (a late event reloads them).
  std::unordered_set<std::string> written_;
};

} // namespace sb::projections
