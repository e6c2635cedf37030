#pragma once

// What the agent_stats projection keeps of a call between batches, in its
// generation's call_state table: the call's session as the sessions fold
// holds it (row and last turn) and its latency histograms. The bytes are
// a cereal binary archive behind a format version.

#include "switchboard/db/records.hpp"
#include "switchboard/projections/agent_stats_fold.hpp"

#include <string>

namespace sb::projections::detail {

struct agent_call_state {
  db::session_record session;
  bool has_last_turn = false;
  db::turn_record last_turn;
  call_latencies latencies;
};

[[nodiscard]] std::string encode_state(const agent_call_state& st);

/// False for bytes that are not a state of this format version.
[[nodiscard]] bool decode_state(const std::string& bytes, agent_call_state& st);

} // namespace sb::projections::detail
