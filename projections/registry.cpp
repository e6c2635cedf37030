#include "switchboard/projections/registry.hpp"

#include "switchboard/db/errors.hpp"
#include "switchboard/db/pg_store.hpp"
#include "switchboard/projections/agent_stats_projection.hpp"
#include "switchboard/projections/call_events_projection.hpp"
#include "switchboard/projections/sessions_projection.hpp"
#include "switchboard/projections/top_phrases_projection.hpp"

namespace sb::projections {

const std::vector<std::string>& projection_names() {
  static const std::vector<std::string> names{
    sessions_projection::projection_name,
    agent_stats_projection::projection_name,
    call_events_projection::projection_name,
    top_phrases_projection::projection_name};
  return names;
}

caf::expected<std::unique_ptr<projection>>
make_projection(const std::string& name, const std::string& pg_url,
                const analysis::rules& rules, write_mode mode) {
  if (name == sessions_projection::projection_name) {
    auto store = db::pg_store::connect(pg_url);
    if (!store)
      return store.error();
    return std::make_unique<sessions_projection>(std::move(*store), rules,
                                                 mode);
  }
  if (name == agent_stats_projection::projection_name)
    return std::make_unique<agent_stats_projection>(pg_url, rules, mode);
  if (name == call_events_projection::projection_name)
    return std::make_unique<call_events_projection>(pg_url, mode);
  if (name == top_phrases_projection::projection_name)
    return std::make_unique<top_phrases_projection>(pg_url, mode);
  std::string known;
  for (const auto& n : projection_names())
    known += (known.empty() ? "" : ", ") + n;
  return db::make_error(db::db_errc::invalid_argument,
                        "no projection named '" + name
                          + "' (there are: " + known + ")");
}

caf::expected<analysis::rules> load_analysis_rules(const std::string& path) {
  if (path.empty())
    return analysis::default_rules();
  auto loaded = analysis::load_rules(path);
  if (!loaded.value)
    return db::make_error(db::db_errc::invalid_argument,
                          "rules " + path + ": " + loaded.error);
  return std::move(*loaded.value);
}

} // namespace sb::projections
