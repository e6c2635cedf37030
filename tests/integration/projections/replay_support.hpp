#pragma once

// What the replay acceptance tests share: checksums of every projection
// table, and running `switchboard` commands against a spine_env.

#include "spine_env.hpp"

#include <map>
#include <string>

namespace sb::test {

/// The tables readers see (public views onto the live generations).
const std::vector<std::string>& projection_tables();

/// Per table: row count and an ordered checksum of every row, all columns
/// but the bookkeeping timestamp updated_at.
std::map<std::string, std::string> table_checksums(spine_env& env);

/// Runs `switchboard <args>` against the env's NATS and PostgreSQL; the
/// exit code, with stdout and stderr in `output`.
int run_switchboard(spine_env& env, const std::string& args,
                    std::string& output);

/// Feeds a simulation: `switchboard simulate --target <node> ...` with
/// `sim_args`, until it is done.
void simulate_live(spine_env& env, const std::string& sim_args);

} // namespace sb::test
