#pragma once

// The subcommands of `switchboard`, one file each. Each adds itself to the
// CLI and runs when chosen; `exit_code` carries the result to main.

#include <CLI/CLI.hpp>

namespace sb::app::cli {

void add_node(CLI::App& app, int& exit_code);
void add_ingest(CLI::App& app, int& exit_code);
void add_migrate(CLI::App& app, int& exit_code);
void add_keys(CLI::App& app, int& exit_code);
void add_simulate(CLI::App& app, int& exit_code);
void add_replay(CLI::App& app, int& exit_code);
void add_status(CLI::App& app, int& exit_code);

/// $NAME if set, otherwise `fallback` (for --nats and --pg defaults).
[[nodiscard]] std::string env_or(const char* name, const char* fallback);

} // namespace sb::app::cli
