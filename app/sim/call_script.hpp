#pragma once

// One simulated call: its plan (dialect, language, how it ends), the raw
// log lines it writes (conversation and noise) and the ground truth the
// system must derive from them, by README "What the fields mean".

#include "sim/call_truth.hpp"
#include "sim/dialect.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sb::sim {

/// One log record as written: `text` may hold several physical lines
/// (a traceback after an ERROR line), never a trailing newline.
struct sim_line {
  std::int64_t at_ms = 0;
  std::string text;
  bool kept = false; ///< becomes a signal (else noise or continuation)
};

struct call_plan {
  std::uint64_t seed = 0; ///< the call's own seed
  std::string agent_id;
  std::size_t language = 0;  ///< the agent's usual language (index)
  std::int64_t start_ms = 0; ///< the first kept line
  double noise = 0.9;        ///< target fraction of noise lines
  std::optional<dialect> force_dialect;
};

struct call_script {
  std::vector<sim_line> lines; ///< in time order
  call_truth truth;
  std::int64_t last_ms = 0; ///< the last line's time
  std::uint64_t physical_lines = 0;
  std::uint64_t noise_lines = 0; ///< physical lines that are not kept
};

/// Plans and writes one call. Deterministic in `plan`.
[[nodiscard]] call_script make_call(const call_plan& plan);

} // namespace sb::sim
