#pragma once

// What the analytics endpoints ask of the store: a tenant's calls summed
// per agent and per time bucket, the top phrases, the tag counts.
//
// Sums come from the pre-aggregated agent_stats tables whenever the filter
// is one of their dimensions (time, agent, direction, language): whole UTC
// days from agent_stats_daily, whole hours from agent_stats_hourly, and
// the minutes before the first whole hour and after the last from
// `sessions`. Any other filter (status, tag, cost, ...) is counted over
// `sessions` with GROUP BY; the result says which (db/analytics_stats.cpp).

#include "switchboard/db/conversation_query.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sb::db {

/// A latency histogram as stored: counts per fixed bucket (the bounds are
/// analysis::bucket_bounds_ms), the sum of the values in µs, their number.
struct latency_counts {
  std::array<std::int64_t, 21> counts{};
  std::int64_t sum_us = 0;
  std::int64_t count = 0;

  void add(const latency_counts& other);
};

/// The counters of agent_stats summed over some calls (no averages: they
/// are computed from these at the end).
struct stats_totals {
  std::int64_t sessions = 0;
  std::map<std::string, std::int64_t> by_status;
  std::map<std::string, std::int64_t> by_end_reason;
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
  std::int64_t cost_total = 0; ///< micro-USD
  std::int64_t cost_llm_prompt = 0;
  std::int64_t cost_llm_completion = 0;
  std::int64_t cost_llm_cached = 0;
  std::int64_t cost_tts = 0;
  std::int64_t cost_stt = 0;
  std::int64_t cost_telephony = 0;
  /// Only from the tables (a `sessions` row keeps no histogram): empty in
  /// a result counted over sessions.
  latency_counts user_to_bot;
  latency_counts stt_ttfb;
  latency_counts llm_ttfb;
  latency_counts tts_ttfb;
  std::int64_t ttfb_interrupted = 0; ///< TTFBs measured while interrupted

  void add(const stats_totals& other);
};

struct stats_request {
  /// Which calls. `text` must be empty; `started_from_us`/`started_to_us`
  /// are ignored when `boundaries` is given.
  conversation_filter filter;
  /// Time buckets by the call's start: [b0, b1), [b1, b2), ... (µs,
  /// ascending, at least two). Empty: one bucket, the filter's range.
  std::vector<std::int64_t> boundaries;
  /// Whether the histograms are wanted (they cost a third query).
  bool histograms = false;
};

enum class stats_source {
  pre_aggregated, ///< agent_stats tables, edges from sessions
  sessions,       ///< GROUP BY over sessions
};

struct stats_group {
  std::string agent_id;
  std::size_t bucket = 0; ///< index into the request's buckets
  stats_totals totals;
};

struct stats_result {
  stats_source source = stats_source::pre_aggregated;
  std::vector<stats_group> groups; ///< only groups with calls, any order
};

/// Whether `f` filters on agent_stats' dimensions only (time, agent,
/// direction, language), so the tables can answer it.
[[nodiscard]] bool pre_aggregable(const conversation_filter& f) noexcept;

struct phrase_count {
  std::string phrase;
  std::int64_t count = 0;
};

struct tag_count {
  std::string tag;
  std::int64_t count = 0;
};

} // namespace sb::db
