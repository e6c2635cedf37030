#include "cli/commands.hpp"

#include "node/node.hpp"

#include <cstdlib>

namespace sb::app::cli {

std::string env_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

void add_node(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<node_options>();
  auto inactivity_s = std::make_shared<double>(300);
  auto linger_s = std::make_shared<double>(5);
  auto max_duration_s = std::make_shared<double>(4 * 3600);
  auto ring_s = std::make_shared<double>(60);
  opt->nats_url = env_or("SB_NATS_URL", "nats://127.0.0.1:4222");
  opt->pg_url = env_or("SB_PG_URL", "");
  auto* cmd = app.add_subcommand(
    "node", "Run a node: call actors, projections and the HTTP API");
  cmd->add_option("--nats", opt->nats_url, "NATS URL ($SB_NATS_URL)");
  cmd->add_option("--pg", opt->pg_url, "PostgreSQL URL ($SB_PG_URL)")
    ->required(opt->pg_url.empty());
  cmd->add_option("--listen", opt->listen, "HTTP address host:port")
    ->capture_default_str();
  cmd->add_option("--rules", opt->rules_path,
                  "Analysis rules file: tags and prices (default: built in)")
    ->check(CLI::ExistingFile);
  cmd
    ->add_option("--failpoint-kill-after-batches",
                 opt->failpoint_kill_after_batches,
                 "Tests: SIGKILL after a projection's Nth commit")
    ->group(""); // hidden
  cmd->add_option("--node-id", opt->node_id, "Unique name of this node")
    ->capture_default_str();
  cmd->add_option("--partitions", opt->partitions,
                  "Partition count, fixed for a deployment")
    ->capture_default_str()
    ->check(CLI::Range(1, 4096));
  cmd->add_option("--inactivity-timeout", *inactivity_s,
                  "Seconds without a signal before a call is signal_lost")
    ->capture_default_str()
    ->check(CLI::PositiveNumber);
  cmd->add_option("--max-duration", *max_duration_s,
                  "Seconds after which a live call ends as max_duration")
    ->capture_default_str()
    ->check(CLI::PositiveNumber);
  cmd->add_option("--ring-timeout", *ring_s,
                  "Seconds a queued or ringing call waits before missed")
    ->capture_default_str()
    ->check(CLI::PositiveNumber);
  cmd->add_option("--linger", *linger_s,
                  "Seconds an ended call stays in memory")
    ->capture_default_str()
    ->check(CLI::NonNegativeNumber);
  cmd->callback([opt, inactivity_s, linger_s, max_duration_s, ring_s,
                 &exit_code] {
    using namespace std::chrono;
    opt->timeouts.inactivity
      = duration_cast<caf::timespan>(duration<double>(*inactivity_s));
    opt->timeouts.max_duration
      = duration_cast<caf::timespan>(duration<double>(*max_duration_s));
    opt->timeouts.ring
      = duration_cast<caf::timespan>(duration<double>(*ring_s));
    opt->timeouts.linger
      = duration_cast<caf::timespan>(duration<double>(*linger_s));
    exit_code = run_node(*opt);
  });
}

} // namespace sb::app::cli
