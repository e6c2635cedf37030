// The simulator writes the same bytes for the same seed, mixes every
// dialect, keeps about --noise of its lines noise, and its ground truth
// agrees with what the real gateway reads from its logs.

#include "sim/clock_text.hpp"
#include "sim/simulation.hpp"
#include "sim/truth_json.hpp"

#include "gateway/pipecat_parser.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace sb::sim;

namespace {

sim_options small(std::uint64_t seed, std::uint64_t agents = 3) {
  sim_options o;
  o.calls = 120;
  o.agents = agents;
  o.seed = seed;
  o.concurrency = 20;
  o.rate = 3;
  return o;
}

std::string api(std::int64_t us) {
  return api_time(us / 1000);
}

} // namespace

TEST_CASE("same seed, same bytes; another seed, other bytes") {
  auto a = simulate_offline(small(7));
  auto b = simulate_offline(small(7));
  auto c = simulate_offline(small(8));
  REQUIRE(a.logs.size() == 3);
  CHECK(a.logs == b.logs);
  CHECK(
    truth_json(a.calls, a.agent_ids, sb::analysis::default_rules()).dump()
    == truth_json(b.calls, b.agent_ids, sb::analysis::default_rules()).dump());
  CHECK(a.logs != c.logs);
  CHECK(
    truth_json(a.calls, a.agent_ids, sb::analysis::default_rules()).dump()
    != truth_json(c.calls, c.agent_ids, sb::analysis::default_rules()).dump());
}

TEST_CASE("noise makes up about --noise of the lines") {
  for (double f : {0.0, 0.5, 0.9}) {
    auto o = small(3);
    o.noise = f;
    auto sim = simulate_offline(o);
    std::uint64_t lines = 0;
    std::uint64_t kept = 0;
    for (const auto& log : sim.logs) {
      auto r = sb::gateway::parse_pipecat(log, {});
      lines += r.totals.lines;
      kept += r.totals.kept;
      CHECK(r.totals.dead_lettered == 0);
    }
    CHECK(lines == sim.physical_lines);
    auto noise = static_cast<double>(lines - kept) / static_cast<double>(lines);
    INFO("noise " << f << " measured " << noise);
    CHECK(noise >= f - 0.03);
    CHECK(noise <= f + 0.05);
  }
}

TEST_CASE("every dialect, language and ending appears; totals add up") {
  auto o = small(11);
  o.calls = 300;
  auto sim = simulate_offline(o);
  std::set<std::string> dialects, languages, reasons;
  for (const auto& c : sim.calls) {
    dialects.insert(c.dialect);
    languages.insert(c.language);
    reasons.insert(c.end_reason);
  }
  CHECK(dialects.size() == dialect_count);
  CHECK(languages.size() >= 4);
  CHECK(reasons
        == std::set<std::string>{"cancelled", "error", "idle_timeout",
                                 "pipeline_finished", "signal_lost"});
  auto truth
    = truth_json(sim.calls, sim.agent_ids, sb::analysis::default_rules());
  std::int64_t calls = 0;
  for (const auto& a : truth["agents"]) {
    std::int64_t by_status = 0;
    for (const auto& [status, n] : a["by_status"].items())
      by_status += n.get<std::int64_t>();
    CHECK(by_status == a["calls"].get<std::int64_t>());
    calls += a["calls"].get<std::int64_t>();
  }
  CHECK(calls == 300);
  CHECK(truth["calls"].size() == 300);
}

TEST_CASE("the real gateway reads the truth's call times from the logs") {
  auto o = small(5);
  o.calls = 200;
  auto sim = simulate_offline(o);
  struct span {
    std::int64_t first = -1;
    std::int64_t last = -1;
    std::string agent;
    std::uint64_t signals = 0;
  };
  std::map<std::string, span> seen;
  for (std::size_t a = 0; a < sim.logs.size(); ++a) {
    auto r = sb::gateway::parse_pipecat(sim.logs[a], {});
    CHECK(r.totals.dead_lettered == 0);
    CHECK_FALSE(r.used_generated_call_id); // every kept line named its call
    for (const auto& s : r.signals) {
      auto& sp = seen[s.call_id];
      if (sp.first < 0)
        sp.first = s.at_us;
      CHECK(s.at_us >= sp.last); // a call's lines never go back in time
      sp.last = s.at_us;
      sp.agent = sim.agent_ids[a];
      ++sp.signals;
    }
  }
  REQUIRE(seen.size() == sim.calls.size());
  for (const auto& c : sim.calls) {
    INFO("call " << c.call_id << " (" << c.dialect << ", " << c.end_reason
                 << ")");
    auto it = seen.find(c.call_id);
    REQUIRE(it != seen.end());
    CHECK(it->second.agent == c.agent_id);
    CHECK(api(it->second.first) == api_time(c.started_ms));
    if (c.end_reason == "signal_lost")
      CHECK(api(it->second.last) == api_time(c.ended_ms));
    else
      CHECK(it->second.last >= c.ended_ms * 1000);
  }
}
