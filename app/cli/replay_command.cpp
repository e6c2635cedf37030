// switchboard replay --projection NAME|all: rebuilds projections from the
// event log into new tables and swaps them in (projections/replay.hpp).
// Progress goes to stderr: one redrawn line on a terminal, a plain line
// every few seconds otherwise. Ctrl-C (or SIGTERM) stops it before the
// swap with the live tables untouched and the shadow tables dropped.

#include "cli/commands.hpp"

#include "switchboard/db/errors.hpp"
#include "switchboard/db/migrate.hpp"
#include "switchboard/projections/registry.hpp"
#include "switchboard/projections/replay.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace sb::app::cli {

namespace {

std::atomic<bool> stop_requested{false};

void on_replay_stop(int) {
  stop_requested = true;
}

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, value);
  return buf;
}

std::string duration_text(double seconds) {
  auto s = static_cast<long long>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%lld:%02lld", s / 60, s % 60);
  return buf;
}

/// "12,345 / 1,400,000 events  0.9 %  152,300 ev/s  ETA 9:02".
std::string progress_line(const projections::replay_progress& p) {
  auto rate = p.seconds > 0 ? p.position / p.seconds : 0.0;
  auto line
    = std::to_string(p.position) + " / " + std::to_string(p.head) + " events";
  if (p.head > 0)
    line += "  " + fixed(100.0 * p.position / p.head, 1) + " %";
  line += "  " + fixed(rate, 0) + " ev/s";
  if (p.swapping)
    return line + "  swapping";
  if (rate > 0 && p.head > p.position)
    line += "  ETA " + duration_text((p.head - p.position) / rate);
  return line;
}

struct progress_printer {
  bool terminal = isatty(STDERR_FILENO) == 1;
  double last_print = -1e9;

  void operator()(const projections::replay_progress& p) {
    if (terminal) {
      std::cerr << "\r\033[K" << progress_line(p) << std::flush;
    } else if (p.seconds - last_print >= 5 || p.swapping) {
      std::cerr << "replay: " << progress_line(p) << "\n";
      last_print = p.seconds;
    }
  }

  void done() const {
    if (terminal)
      std::cerr << "\n";
  }
};

} // namespace

void add_replay(CLI::App& app, int& exit_code) {
  struct options {
    std::string nats = env_or("SB_NATS_URL", "nats://127.0.0.1:4222");
    std::string pg = env_or("SB_PG_URL", "");
    std::string projection;
    std::string rules;
  };
  auto opt = std::make_shared<options>();
  auto* cmd = app.add_subcommand(
    "replay", "Rebuild projections from the event log, then swap them in "
              "while the live ones keep serving");
  cmd
    ->add_option("--projection", opt->projection, "A projection's name, or all")
    ->required();
  cmd->add_option("--nats", opt->nats, "NATS URL ($SB_NATS_URL)");
  cmd->add_option("--pg", opt->pg, "PostgreSQL URL ($SB_PG_URL)")
    ->required(opt->pg.empty());
  cmd
    ->add_option("--rules", opt->rules,
                 "Analysis rules file: tags and prices (default: built in)")
    ->check(CLI::ExistingFile);
  cmd->callback([opt, &exit_code] {
    auto fail = [&exit_code](const std::string& why) {
      std::cerr << "switchboard replay: " << why << "\n";
      exit_code = 1;
    };
    projections::replay_options ro;
    if (opt->projection == "all")
      ro.projections = projections::projection_names();
    else
      ro.projections = {opt->projection};
    auto rules = projections::load_analysis_rules(opt->rules);
    if (!rules)
      return fail(db::describe(rules.error()));
    ro.rules = &*rules;
    ro.pg_url = opt->pg;
    if (auto applied = db::migrate(opt->pg); !applied)
      return fail(db::describe(applied.error()));
    std::string error;
    std::shared_ptr<jetstream> js
      = jetstream::connect(opt->nats, "switchboard-replay", error);
    if (!js)
      return fail("cannot connect to NATS at " + opt->nats + ": " + error);
    progress_printer printer;
    ro.on_progress = [&printer](const projections::replay_progress& p) {
      printer(p);
    };
    ro.stop = &stop_requested;
    std::signal(SIGINT, on_replay_stop);
    std::signal(SIGTERM, on_replay_stop);
    auto result = projections::replay(js, ro);
    printer.done();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!result) {
      fail(db::describe(result.error()));
      if (stop_requested)
        exit_code = 130;
      return;
    }
    std::cout << "replayed " << result->events << " events of "
              << opt->projection << " in " << fixed(result->seconds, 1)
              << " s ("
              << fixed(result->seconds > 0 ? result->events / result->seconds
                                           : 0,
                       0)
              << " events/s); live from event " << result->position << "\n";
  });
}

} // namespace sb::app::cli
