// switchboard: the one executable. Subcommands live in cli/.

#include "cli/commands.hpp"

#include <spdlog/cfg/env.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

int main(int argc, char** argv) {
  // Logs go to stderr: stdout carries results (a key, a report, JSON lines).
  spdlog::set_default_logger(spdlog::stderr_color_mt("switchboard"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::cfg::load_env_levels(); // SPDLOG_LEVEL=debug for more
  CLI::App app{"Switchboard: the conversation ledger for voice-AI agents"};
  app.require_subcommand(1);
  int exit_code = 0;
  sb::app::cli::add_node(app, exit_code);
  sb::app::cli::add_ingest(app, exit_code);
  sb::app::cli::add_migrate(app, exit_code);
  sb::app::cli::add_keys(app, exit_code);
  sb::app::cli::add_simulate(app, exit_code);
  sb::app::cli::add_replay(app, exit_code);
  sb::app::cli::add_status(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
