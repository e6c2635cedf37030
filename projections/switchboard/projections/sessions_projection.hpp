#pragma once

// The sessions projection: `sessions` (one row per call, with its derived
// analysis), `turns` (one per utterance) and `live_calls` (the calls not
// yet ended, for the live view and for a new partition owner's rebuild).
// The fold is sessions_fold; the store is db::store (pg_store, or
// memory_store in unit tests).

#include "switchboard/analysis/rules.hpp"
#include "switchboard/db/store.hpp"
#include "switchboard/projections/projection.hpp"

#include <memory>
#include <optional>

namespace sb::projections {

class sessions_fold;

class sessions_projection final : public projection {
public:
  static constexpr const char* projection_name = "sessions";

  /// `cached_sessions`: live calls' rows kept between batches; beyond it
  /// the fold forgets them all and reloads what the next batch needs.
  sessions_projection(std::unique_ptr<db::store> store,
                      const analysis::rules& rules, write_mode mode,
                      std::size_t cached_sessions = 100000);
  ~sessions_projection() override;

  const std::string& name() const override;
  const std::vector<std::string>& tables() const override;
  caf::expected<db::checkpoint> begin(const std::string& row) override;
  caf::error prepare(const std::set<std::string>& call_ids) override;
  void apply(const event& e, const event_position& at) override;
  caf::error commit(const db::checkpoint& previous, const db::checkpoint& next,
                    bool final) override;

private:
  std::unique_ptr<db::store> store_;
  const analysis::rules& rules_;
  write_mode mode_;
  std::size_t cached_sessions_;
  std::unique_ptr<sessions_fold> fold_;
};

} // namespace sb::projections
