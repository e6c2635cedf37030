#pragma once

// Which table answers which part of an analytics time range. agent_stats
// rows hold whole UTC hours (hourly) and days (daily) of calls' starts, so
// a range is split: whole days from daily, whole hours from hourly, and
// the minutes before its first whole hour and after its last from
// `sessions`. A bucket boundary off the hour (a +05:30 zone), or a filter
// that is no dimension of the tables, sends the whole range to `sessions`.
// Pure: tested in tests/unit/db.

#include <cstdint>
#include <optional>
#include <vector>

namespace sb::db::detail {

/// [from, to) in µs; an unset end is unbounded.
struct time_span {
  std::optional<std::int64_t> from;
  std::optional<std::int64_t> to;

  bool operator==(const time_span& o) const {
    return from == o.from && to == o.to;
  }
};

struct stats_plan {
  bool tables = false; ///< false: everything is counted over sessions
  std::vector<time_span> daily;
  std::vector<time_span> hourly;
  std::vector<time_span> sessions;
};

/// The plan for calls started in `range`, counted into buckets split at
/// `interior` (ascending, inside the range), when the filter is
/// `pre_aggregable` or not.
[[nodiscard]] stats_plan plan_stats(const time_span& range,
                                    const std::vector<std::int64_t>& interior,
                                    bool pre_aggregable);

} // namespace sb::db::detail
