#pragma once

// The top_phrases projection: phrase counts of user turns per tenant ×
// agent × UTC day (top_phrases_fold), with each call's fold state in its
// generation's call_state table.

#include "switchboard/projections/pg_writer.hpp"
#include "switchboard/projections/projection.hpp"

#include <memory>

namespace sb::projections {

class top_phrases_fold;

class top_phrases_projection final : public projection {
public:
  static constexpr const char* projection_name = "top_phrases";

  top_phrases_projection(std::string pg_url, write_mode mode);
  ~top_phrases_projection() override;

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
  std::unique_ptr<top_phrases_fold> fold_;
};

} // namespace sb::projections
