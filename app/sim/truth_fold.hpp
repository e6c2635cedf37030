#pragma once

// The system's rules applied to the lines a call script wrote: turns and
// their first texts, the ending, usage, tool calls, errors, the latencies
// the call actor measures and the caller's sentiment where it is fixed.

#include "sim/script_step.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace sb::sim {

/// The truth of the first `count` steps. `cut`: the log stops there (the
/// call ends by the inactivity timer, signal_lost). `mood`: the sentiment
/// the script gave every user turn ("positive", "negative", "neutral",
/// "unknown" for a language the system does not score), "" if none.
[[nodiscard]] call_truth fold_truth(const std::vector<step>& steps,
                                    std::size_t count, bool cut,
                                    const std::string& mood);

} // namespace sb::sim
