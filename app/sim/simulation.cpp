#include "sim/simulation.hpp"

#include "sim/clock_text.hpp"
#include "sim/phrases.hpp"

#include <algorithm>
#include <functional>
#include <queue>

namespace sb::sim {

std::string agent_name(std::uint64_t index) {
  return "agent-" + std::to_string(index + 1);
}

std::int64_t base_time_ms(std::uint64_t seed) {
  auto day = static_cast<unsigned>(mix_seed(seed) % 28);
  auto month = static_cast<unsigned>(1 + (mix_seed(seed + 1) % 12));
  return days_from_civil_ms(2025, month, day + 1) + 9 * 3600000;
}

call_source::call_source(const sim_options& options)
  : options_(options), rng_(mix_seed(options.seed ^ 0x5157u)) {
}

call_plan call_source::next(std::int64_t& arrival_ms) {
  call_plan plan;
  auto agent = static_cast<std::uint64_t>(
    uniform(rng_, 0, static_cast<std::int64_t>(options_.agents) - 1));
  plan.agent_id = agent_name(agent);
  plan.language = agent % languages().size();
  plan.seed = mix_seed(options_.seed * 1000003 + index_++);
  plan.noise = options_.noise;
  // Mean gap 1/rate: uniform in [0, 2/rate].
  auto mean_ms = options_.rate > 0 ? 1000.0 / options_.rate : 1000.0;
  auto gap = uniform(rng_, 0, static_cast<std::int64_t>(2 * mean_ms));
  if (index_ > 1)
    arrival_ += gap;
  arrival_ms = arrival_;
  return plan;
}

void sort_lines(std::vector<line_ref>& refs) {
  std::sort(refs.begin(), refs.end(),
            [](const line_ref& a, const line_ref& b) {
              if (a.at_ms != b.at_ms)
                return a.at_ms < b.at_ms;
              if (a.call != b.call)
                return a.call < b.call;
              return a.line < b.line;
            });
}

simulation simulate_offline(const sim_options& options) {
  simulation out;
  for (std::uint64_t a = 0; a < options.agents; ++a)
    out.agent_ids.push_back(agent_name(a));
  auto base = base_time_ms(options.seed);
  call_source source{options};
  std::vector<call_script> scripts;
  std::vector<std::size_t> agent_of;
  std::priority_queue<std::int64_t, std::vector<std::int64_t>,
                      std::greater<>>
    alive; // end times of calls in progress
  for (std::uint64_t i = 0; i < options.calls; ++i) {
    std::int64_t arrival = 0;
    auto plan = source.next(arrival);
    auto start = base + arrival;
    while (!alive.empty() && alive.top() <= start)
      alive.pop();
    if (alive.size() >= options.concurrency) {
      start = std::max(start, alive.top() + 1);
      alive.pop();
      while (!alive.empty() && alive.top() <= start)
        alive.pop();
    }
    plan.start_ms = start;
    scripts.push_back(make_call(plan));
    alive.push(scripts.back().last_ms);
    agent_of.push_back(std::stoul(plan.agent_id.substr(6)) - 1);
  }
  std::vector<std::vector<line_ref>> refs(options.agents);
  for (std::size_t c = 0; c < scripts.size(); ++c) {
    const auto& s = scripts[c];
    for (std::size_t l = 0; l < s.lines.size(); ++l)
      refs[agent_of[c]].push_back({s.lines[l].at_ms,
                                   static_cast<std::uint32_t>(c),
                                   static_cast<std::uint32_t>(l)});
    out.physical_lines += s.physical_lines;
    out.noise_lines += s.noise_lines;
  }
  for (auto& r : refs) {
    sort_lines(r);
    std::string log;
    for (const auto& x : r) {
      log += scripts[x.call].lines[x.line].text;
      log += '\n';
    }
    out.logs.push_back(std::move(log));
  }
  for (auto& s : scripts)
    out.calls.push_back(std::move(s.truth));
  return out;
}

} // namespace sb::sim
