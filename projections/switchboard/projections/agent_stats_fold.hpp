#pragma once

// The agent_stats projection's logic: per tenant × agent × bucket (UTC hour
// and day of the call's start) × direction × language, the sums of what the
// calls' `sessions` rows say, plus latency histograms.
//
// Each call's session is folded here exactly as the sessions projection
// folds it (a sessions_fold inside), so the tables agree with the sum of
// `sessions` rows by construction. What a call adds to its bucket is a pure
// function of its state, its contribution; a batch moves each bucket by
// the difference between its calls' contributions before and after the
// batch, pre-aggregated: one row change per key per batch. A call that
// ends moves its status counts; one whose agent or language becomes known
// moves to its key, leaving a row of zero sessions, which is deleted.
//
// Pure: the projection loads the stored state of a batch's calls (load),
// applies the events, and writes what take_batch() gives.

#include "switchboard/analysis/latency_histogram.hpp"
#include "switchboard/analysis/rules.hpp"
#include "switchboard/events/event.hpp"
#include "switchboard/projections/projection.hpp"
#include "switchboard/projections/sessions_fold.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sb::projections {

/// The row key of agent_stats_hourly and agent_stats_daily.
struct stats_key {
  std::string tenant_id;
  std::string agent_id;
  std::int64_t bucket = 0; ///< µs: the start of the UTC hour or day
  std::string direction;
  std::string language;

  [[nodiscard]] auto tie() const {
    return std::tie(tenant_id, agent_id, bucket, direction, language);
  }
  bool operator<(const stats_key& o) const { return tie() < o.tie(); }
  bool operator==(const stats_key& o) const { return tie() == o.tie(); }
};

/// The counters of one row, or what one call adds to it (a contribution),
/// or the change of a batch (a delta: counts may be negative).
struct stats_row {
  std::int64_t sessions = 0;
  std::map<std::string, std::int64_t> by_status;     ///< no zero entries
  std::map<std::string, std::int64_t> by_end_reason; ///< no zero entries
  std::int64_t success = 0;
  std::int64_t failure = 0;
  std::int64_t unknown_outcome = 0;
  std::int64_t duration_ms_sum = 0;
  std::int64_t turns = 0;
  std::int64_t interruptions = 0;
  std::int64_t sentiment_positive = 0;
  std::int64_t sentiment_neutral = 0;
  std::int64_t sentiment_negative = 0;
  std::int64_t sentiment_unknown = 0;
  std::int64_t tool_calls = 0;
  std::int64_t tool_errors = 0;
  std::int64_t cost_total = 0; ///< micro-USD, as in `sessions`
  std::int64_t cost_llm_prompt = 0;
  std::int64_t cost_llm_completion = 0;
  std::int64_t cost_llm_cached = 0;
  std::int64_t cost_tts = 0;
  std::int64_t cost_stt = 0;
  std::int64_t cost_telephony = 0;
  analysis::histogram user_to_bot;
  analysis::histogram stt;
  analysis::histogram llm_ttfb;
  analysis::histogram tts_ttfb;
  std::int64_t ttfb_interrupted = 0;

  /// Adds `other` times `sign` (+1 or -1).
  void add(const stats_row& other, int sign);
  /// True when every counter is 0 (a delta that changes nothing).
  [[nodiscard]] bool empty() const;
};

/// The latencies of one call, as its bucket's histograms take them:
/// user-to-bot from turn_latency_measured, each service's TTFB from its
/// metric lines; values measured while the user was interrupting are kept
/// out and counted in ttfb_interrupted.
struct call_latencies {
  analysis::histogram user_to_bot;
  analysis::histogram stt;
  analysis::histogram llm_ttfb;
  analysis::histogram tts_ttfb;
  std::int64_t ttfb_interrupted = 0;
};

/// What one batch writes: the deltas per key of each table, and the new
/// states of the calls it changed.
struct stats_batch {
  std::map<stats_key, stats_row> hourly;
  std::map<stats_key, stats_row> daily;
  std::vector<std::pair<std::string, std::string>> states; ///< id, bytes
};

/// The start of the UTC hour and day holding `us` (µs since the epoch).
[[nodiscard]] std::int64_t hour_of(std::int64_t us);
[[nodiscard]] std::int64_t day_of(std::int64_t us);

/// What a call adds to its bucket, given its derived session row.
[[nodiscard]] stats_row contribution(const db::session_record& s,
                                     const call_latencies& latencies);

class agent_stats_fold {
public:
  /// In bulk mode (a replay) take_batch() gives the states of ended calls
  /// only, the live ones' at `final`, and the fold adds every batch's
  /// deltas into totals it gives once, at `final`.
  explicit agent_stats_fold(const analysis::rules& rules,
                            write_mode mode = write_mode::incremental);

  /// Stored states (call id, bytes from a take_batch() before) of calls
  /// the fold does not hold; a call with none is new. False (and nothing
  /// loaded) if a state cannot be read; `error` says which.
  bool load(const std::map<std::string, std::string>& states,
            std::string& error);

  /// True when the fold holds `call_id` (nothing need be loaded).
  [[nodiscard]] bool holds(const std::string& call_id) const;

  /// Applies one fact read at `at`.
  void apply(const event& e, const event_position& at);

  /// The deltas and states to commit; then keeps at most `max_calls` calls
  /// (incremental mode: ended calls are dropped, and all when more are
  /// held; they are loaded again if a late event comes).
  [[nodiscard]] stats_batch take_batch(bool final, std::size_t max_calls);

private:
  struct latency_applier;
  struct held {
    call_latencies latencies;
    /// What the call added to its bucket at the last commit; nullopt: not
    /// counted yet.
    std::optional<stats_row> committed;
    std::optional<stats_key> committed_key; ///< its hourly key
    bool touched = false;                   ///< in touched_
  };

  [[nodiscard]] std::string state_of(const std::string& call_id) const;
  void add_delta(stats_batch& batch, const stats_key& hourly,
                 const stats_row& row, int sign);

  write_mode mode_;
  sessions_fold sessions_;
  std::unordered_map<std::string, held> calls_;
  std::vector<std::string> touched_; ///< applied to since the last take
  std::vector<std::string> loaded_;  ///< loaded since the last take
  /// Bulk mode: every delta so far, written at `final`, and the calls
  /// whose state was written (only those can be loaded).
  stats_batch totals_;
  std::set<std::string> written_;
};

} // namespace sb::projections
