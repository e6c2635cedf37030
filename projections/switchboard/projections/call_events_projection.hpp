#pragma once

// The call_events projection: each call's debug trace (call_events_fold)
// in call_events, partitioned by the UTC day of the call's start, with
// each call's fold state in its generation's call_state table.

#include "switchboard/projections/pg_writer.hpp"
#include "switchboard/projections/projection.hpp"

#include <memory>
#include <set>

namespace sb::projections {

class call_events_fold;

class call_events_projection final : public projection {
public:
  static constexpr const char* projection_name = "call_events";

  call_events_projection(std::string pg_url, write_mode mode);
  ~call_events_projection() override;

  const std::string& name() const override;
  const std::vector<std::string>& tables() const override;
  caf::expected<db::checkpoint> begin(const std::string& row) override;
  caf::error prepare(const std::set<std::string>& call_ids) override;
  void apply(const event& e, const event_position& at) override;
  caf::error commit(const db::checkpoint& previous, const db::checkpoint& next,
                    bool final) override;

private:
  pg_writer writer_;
  write_mode mode_;
  std::unique_ptr<call_events_fold> fold_;
  /// Daily partitions known to exist (qualified names).
  std::set<std::string> partitions_;
};

} // namespace sb::projections
