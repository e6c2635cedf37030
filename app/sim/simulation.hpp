#pragma once

// Many concurrent calls: who starts when (rate, concurrency), which agent
// takes each call, and each agent's log stream, its calls interleaved by
// time the way a shared log stream interleaves them.

#include "sim/call_script.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sb::sim {

struct sim_options {
  std::uint64_t calls = 100;  ///< 0 in live mode: no limit
  std::uint64_t concurrency = 30;
  double rate = 2;            ///< new calls per second
  double duration_s = 0;      ///< live mode: stop starting calls after this
  std::uint64_t agents = 1;
  std::uint64_t seed = 1;
  double noise = 0.9;
};

/// "agent-1", "agent-2", ...
[[nodiscard]] std::string agent_name(std::uint64_t index);

/// The seed-derived, fixed start of an offline simulation (a 2025 date).
[[nodiscard]] std::int64_t base_time_ms(std::uint64_t seed);

/// Decides arrivals, agents and call seeds, in call order.
class call_source {
public:
  explicit call_source(const sim_options& options);

  /// The next call's plan; `arrival_ms` is when it wants to start, counted
  /// from the simulation's start.
  call_plan next(std::int64_t& arrival_ms);

private:
  sim_options options_;
  rng_t rng_;
  std::uint64_t index_ = 0;
  std::int64_t arrival_ = 0;
};

/// Orders one agent's lines of several calls by time (ties: call, line).
struct line_ref {
  std::int64_t at_ms;
  std::uint32_t call;
  std::uint32_t line;
};
void sort_lines(std::vector<line_ref>& refs);

struct simulation {
  std::vector<std::string> agent_ids;
  std::vector<std::string> logs; ///< one per agent, newline-terminated lines
  std::vector<call_truth> calls; ///< in start order
  std::uint64_t physical_lines = 0;
  std::uint64_t noise_lines = 0;
};

/// The whole simulation at once, from base_time_ms(seed): the --out mode.
[[nodiscard]] simulation simulate_offline(const sim_options& options);

} // namespace sb::sim
