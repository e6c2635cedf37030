#pragma once

// The ground truth as JSON: every call's expected session fields (usage per
// service, tool calls, errors, sentiment, latencies) and every agent's
// totals, times in the API's form (ISO 8601 UTC, milliseconds). app/README.md
// "sim/" lists the fields.

#include "sim/call_script.hpp"

#include "switchboard/analysis/rules.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace sb::sim {

/// {"calls": [...], "agents": [...]}; deterministic key order. Each call's
/// expected cost (micro-USD per component and total) is its usage per
/// service priced with `prices`, as a whole call, with the version in force
/// at its start; Pipecat calls carry no direction, so no telephony.
[[nodiscard]] nlohmann::ordered_json
truth_json(const std::vector<call_truth>& calls,
           const std::vector<std::string>& agent_ids,
           const analysis::rules& prices);

} // namespace sb::sim
