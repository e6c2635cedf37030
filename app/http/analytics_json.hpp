#pragma once

// The figures analytics answers derive from summed counters (averages and
// rates are computed here, at the end, never stored), shared by the
// analytics handlers.

#include "switchboard/db/analytics_query.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sb::app::http {

/// Calls that ended (completed, failed, declined, missed).
[[nodiscard]] std::int64_t ended_calls(const db::stats_totals& t);

/// `num / den`, or null when nothing was counted.
[[nodiscard]] nlohmann::json ratio(std::int64_t num, std::int64_t den);

/// Of the calls whose outcome is known, the share that succeeded.
[[nodiscard]] nlohmann::json success_rate(const db::stats_totals& t);

/// The mean duration of the calls that ended, in ms.
[[nodiscard]] nlohmann::json avg_duration_ms(const db::stats_totals& t);

/// {"llm_prompt": usd, ...} of the cost components.
[[nodiscard]] nlohmann::json cost_by_component(const db::stats_totals& t);

/// "pre_aggregated" or "sessions".
[[nodiscard]] const char* source_name(db::stats_source s) noexcept;

/// The groups of `result` summed per agent (agent order), and all of them.
struct agent_totals {
  std::vector<std::pair<std::string, db::stats_totals>> by_agent;
  db::stats_totals all;
};
[[nodiscard]] agent_totals sum_by_agent(const db::stats_result& result);

/// A range bound as an ISO 8601 time, or null when unbounded.
[[nodiscard]] nlohmann::json range_bound(const std::optional<std::int64_t>& us);

} // namespace sb::app::http
