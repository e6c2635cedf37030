#pragma once

// The agent_stats projection: agent_stats_hourly and agent_stats_daily,
// pre-aggregated per tenant × agent × UTC bucket × direction × language
// (agent_stats_fold), with each call's fold state in its generation's
// call_state table.

#include "switchboard/analysis/rules.hpp"
#include "switchboard/projections/pg_writer.hpp"
#include "switchboard/projections/projection.hpp"

#include <memory>

namespace sb::projections {

class agent_stats_fold;

class agent_stats_projection final : public projection {
public:
  static constexpr const char* projection_name = "agent_stats";

  /// `cached_calls`: calls kept between batches; beyond it the fold
  /// forgets them all and reloads what the next batch needs.
  agent_stats_projection(std::string pg_url, const analysis::rules& rules,
                         write_mode mode, std::size_t cached_calls = 100000);
  ~agent_stats_projection() override;

  const std::string& name() const override;
  const std::vector<std::string>& tables() const override;
  caf::expected<db::checkpoint> begin(const std::string& row) override;
  caf::error prepare(const std::set<std::string>& call_ids) override;
  void apply(const event& e, const event_position& at) override;
  caf::error commit(const db::checkpoint& previous, const db::checkpoint& next,
                    bool final) override;

private:
  pg_writer writer_;
  const analysis::rules& rules_;
  write_mode mode_;
  std::size_t cached_calls_;
  std::unique_ptr<agent_stats_fold> fold_;
};

} // namespace sb::projections
