#pragma once

// Every projection there is, by name: what the node runs and what
// `switchboard replay --projection NAME|all` rebuilds.

#include "switchboard/analysis/rules.hpp"
#include "switchboard/projections/projection.hpp"

#include <caf/expected.hpp>

#include <memory>
#include <string>
#include <vector>

namespace sb::projections {

/// The projections' names, in the order the node starts them.
[[nodiscard]] const std::vector<std::string>& projection_names();

/// A new instance of projection `name` writing to `pg_url` with `rules`
/// (which must outlive it); db_errc::invalid_argument for an unknown name,
/// db_errc::unavailable if PostgreSQL cannot be reached.
[[nodiscard]] caf::expected<std::unique_ptr<projection>>
make_projection(const std::string& name, const std::string& pg_url,
                const analysis::rules& rules, write_mode mode);

/// Loads `path`, or the built-in default rules when `path` is empty. The
/// error names the file and the bad field.
[[nodiscard]] caf::expected<analysis::rules>
load_analysis_rules(const std::string& path);

} // namespace sb::projections
