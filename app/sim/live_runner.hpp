#pragma once

// Live mode: starts calls in wall-clock time (--rate, --concurrency,
// --duration) and posts each agent's due lines as that agent's stream,
// a batch every ~250 ms, until the calls are done or it is told to stop.

#include "sim/simulation.hpp"

#include <atomic>
#include <iosfwd>
#include <string>
#include <vector>

namespace sb::sim {

struct live_target {
  std::string url; ///< e.g. http://127.0.0.1:8080
  std::string key; ///< the Bearer key
  bool keep_truth = false; ///< collect each finished call's truth
};

struct live_report {
  std::uint64_t started = 0;
  std::uint64_t posts = 0;
  std::uint64_t failed_posts = 0;
  std::vector<call_truth> calls; ///< calls that ran to their last line
};

/// Runs until every started call is done and no more will start, or until
/// `stop` becomes true. Progress and post failures go to `log`.
live_report run_live(const sim_options& options, const live_target& target,
                     const std::atomic<bool>& stop, std::ostream& log);

} // namespace sb::sim
