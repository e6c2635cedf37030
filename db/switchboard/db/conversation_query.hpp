#pragma once

// What `GET /v1/conversations` asks of the store: filters over one
// tenant's sessions, an order, and a keyset position to continue after.
// The HTTP layer validates and parses the request into this; the store
// turns it into one parameterized SQL query (db/conversation_list.cpp).

#include "switchboard/db/records.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sb::db {

/// Every filter is optional; those given must all hold.
struct conversation_filter {
  std::optional<std::int64_t> started_from_us; ///< started_at >= this
  std::optional<std::int64_t> started_to_us;   ///< started_at < this
  std::vector<std::string> agent_ids;          ///< any of them
  std::vector<std::string> statuses;           ///< any of them
  std::optional<std::string> end_reason;
  std::optional<std::string> direction;
  std::optional<std::string> language;
  std::optional<std::string> campaign;
  std::optional<std::string> provider;
  std::optional<std::string> success;   ///< success, failure, unknown
  std::optional<std::string> sentiment; ///< positive, ..., unknown
  std::optional<std::string> tag;
  std::optional<std::string> tool; ///< a tool of this name was called
  std::optional<bool> has_error;   ///< a logged error or a tool error
  std::optional<std::int64_t> min_duration_ms;
  std::optional<std::int64_t> max_duration_ms;
  std::optional<std::int64_t> min_cost_micros; ///< micro-USD
  std::optional<std::int64_t> max_cost_micros;
  std::optional<double> min_latency_p95_ms;
  /// Full-text search over the call's turns: every word must occur in one
  /// turn, case and accents ignored ("" = no search).
  std::string text;
};

enum class conversation_sort { started_at, duration_ms, cost, latency_p95_ms };

/// Where the previous page ended: the last row's sort value and key. The
/// value is the sort column's (µs for started_at, micro-USD for cost, ms
/// otherwise; a latency never measured sorts as -1).
struct conversation_position {
  double value = 0;
  std::int64_t started_at = 0;
  std::string id;
};

struct conversation_query {
  conversation_filter filter;
  conversation_sort sort = conversation_sort::started_at;
  bool ascending = false;
  std::size_t limit = 50;
  std::optional<conversation_position> after;
  bool include_total = false;
};

struct conversation_page {
  std::vector<session_record> items;
  bool has_more = false;
  std::optional<std::uint64_t> total; ///< when include_total was asked
};

/// `GET /v1/conversations/active`: the tenant's live calls, newest first.
struct active_calls {
  std::vector<live_call_record> items; ///< at most the limit asked
  std::uint64_t count = 0;             ///< all of them
};

/// The sort value of `s` under `sort`, as conversation_position holds it.
[[nodiscard]] double sort_value(const session_record& s,
                                conversation_sort sort) noexcept;

} // namespace sb::db
