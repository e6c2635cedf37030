// `switchboard simulate`: realistic raw Pipecat logs for many concurrent
// calls, with ground truth (app/sim/, app/README.md).

#include "cli/commands.hpp"

#include "sim/live_runner.hpp"
#include "sim/simulation.hpp"
#include "sim/truth_json.hpp"

#include "switchboard/db/errors.hpp"
#include "switchboard/projections/registry.hpp"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>

namespace sb::app::cli {

namespace {

struct simulate_args {
  std::string calls;
  std::string concurrency = "30";
  std::string rate = "2";
  std::string duration = "0";
  std::string agents = "1";
  std::string seed = "1";
  std::string noise = "0.9";
  std::string out;
  std::string target;
  std::string key;
  std::string truth;
  std::string rules;
};

std::atomic<bool> stop_requested{false};

extern "C" void on_stop_signal(int) {
  stop_requested.store(true);
}

bool to_u64(const std::string& s, std::uint64_t& out) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos
      || s.size() > 19)
    return false;
  out = std::stoull(s);
  return true;
}

bool to_double(const std::string& s, double& out) {
  if (s.empty())
    return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end != nullptr && *end == '\0';
}

/// The file of agent `a`: sim.log → sim.agent-1.log (sim.log if only one).
std::string agent_file(const std::string& out, const std::string& agent,
                       std::uint64_t agents) {
  if (agents == 1)
    return out;
  auto slash = out.rfind('/');
  auto dot = out.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
    return out + "." + agent;
  return out.substr(0, dot) + "." + agent + out.substr(dot);
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream f{path, std::ios::binary | std::ios::trunc};
  f << text;
  return static_cast<bool>(f);
}

int fail(const std::string& why) {
  std::cerr << "switchboard simulate: " << why << "\n";
  return 2;
}

int run(const simulate_args& a) {
  sim::sim_options o;
  bool live = !a.target.empty();
  if (live == !a.out.empty())
    return fail("give exactly one of --out FILE or --target URL");
  if (!a.calls.empty() && !to_u64(a.calls, o.calls))
    return fail("--calls must be a whole number, got '" + a.calls + "'");
  if (a.calls.empty())
    o.calls = live ? 0 : 100;
  if (!live && o.calls == 0)
    return fail("--calls must be at least 1 with --out");
  if (!to_u64(a.concurrency, o.concurrency) || o.concurrency == 0)
    return fail("--concurrency must be a whole number >= 1");
  if (!to_double(a.rate, o.rate) || !(o.rate > 0) || o.rate > 10000)
    return fail("--rate must be a number of calls per second > 0");
  if (!to_double(a.duration, o.duration_s) || !(o.duration_s >= 0))
    return fail("--duration must be seconds >= 0 (0: until killed)");
  if (!to_u64(a.agents, o.agents) || o.agents == 0 || o.agents > 1000)
    return fail("--agents must be a whole number from 1 to 1000");
  if (!to_u64(a.seed, o.seed))
    return fail("--seed must be a whole number");
  if (!to_double(a.noise, o.noise) || !(o.noise >= 0) || o.noise > 0.99)
    return fail("--noise must be a fraction from 0 to 0.99");
  // The price table of the truth's expected costs.
  auto prices = projections::load_analysis_rules(a.rules);
  if (!prices)
    return fail(db::describe(prices.error()));

  if (!live) {
    auto result = sim::simulate_offline(o);
    for (std::size_t i = 0; i < result.agent_ids.size(); ++i) {
      auto path = agent_file(a.out, result.agent_ids[i], o.agents);
      if (!write_file(path, result.logs[i])) {
        std::cerr << "switchboard simulate: cannot write " << path << "\n";
        return 1;
      }
      std::cout << path << "\n";
    }
    if (!a.truth.empty()
        && !write_file(
          a.truth,
          sim::truth_json(result.calls, result.agent_ids, *prices).dump(2)
            + "\n")) {
      std::cerr << "switchboard simulate: cannot write " << a.truth << "\n";
      return 1;
    }
    std::cerr << "simulate: " << result.calls.size() << " calls, "
              << result.physical_lines << " lines, " << result.noise_lines
              << " noise\n";
    return 0;
  }

  sim::live_target target;
  target.url = a.target;
  target.key = a.key;
  if (target.key.empty())
    if (const char* k = std::getenv("SB_ADMIN_KEY"))
      target.key = k;
  if (target.key.empty())
    return fail("live mode needs a key: --key or $SB_ADMIN_KEY");
  if (target.url.compare(0, 7, "http://") != 0)
    return fail("--target must be an http:// URL, got '" + target.url + "'");
  target.keep_truth = !a.truth.empty();
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  std::cerr << "simulate: posting to " << target.url << " for " << o.agents
            << " agent(s), " << o.rate << " calls/s, at most " << o.concurrency
            << " at once\n";
  auto report = sim::run_live(o, target, stop_requested, std::cerr);
  std::cerr << "simulate: " << report.started << " calls started, "
            << report.posts << " posts, " << report.failed_posts << " failed\n";
  if (!a.truth.empty()) {
    std::vector<std::string> ids;
    for (std::uint64_t i = 0; i < o.agents; ++i)
      ids.push_back(sim::agent_name(i));
    if (!write_file(a.truth,
                    sim::truth_json(report.calls, ids, *prices).dump(2) + "\n"))
      return 1;
  }
  return 0;
}

} // namespace

void add_simulate(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<simulate_args>();
  auto* cmd = app.add_subcommand(
    "simulate", "Generate raw Pipecat logs of many concurrent calls, with "
                "ground truth (to files, or live to a node)");
  cmd->add_option("--calls", a->calls,
                  "Calls to simulate (--out: default 100; live: default "
                  "unlimited)");
  cmd->add_option("--concurrency", a->concurrency, "Calls alive at once")
    ->capture_default_str();
  cmd->add_option("--rate", a->rate, "New calls per second")
    ->capture_default_str();
  cmd
    ->add_option("--duration", a->duration,
                 "Live: stop starting calls after SECONDS (0: until killed)")
    ->capture_default_str();
  cmd->add_option("--agents", a->agents, "Agents agent-1..agent-K")
    ->capture_default_str();
  cmd->add_option("--seed", a->seed, "Same seed and options, same bytes")
    ->capture_default_str();
  cmd->add_option("--noise", a->noise, "Fraction of noise lines")
    ->capture_default_str();
  cmd->add_option("--out", a->out,
                  "Write FILE (one file per agent: FILE.agent-N.ext)");
  cmd->add_option("--target", a->target,
                  "Live: post to URL/v1/ingest/pipecat?agent_id=...");
  cmd->add_option("--key", a->key, "Live: API key ($SB_ADMIN_KEY)");
  cmd->add_option("--truth", a->truth, "Write the ground truth JSON here");
  cmd->add_option("--rules", a->rules,
                  "Analysis rules whose prices the truth's costs use "
                  "(default: built in)");
  cmd->callback([a, &exit_code] { exit_code = run(*a); });
}

} // namespace sb::app::cli
