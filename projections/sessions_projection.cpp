#include "switchboard/projections/sessions_projection.hpp"

#include "switchboard/db/generations.hpp"
#include "switchboard/projections/sessions_fold.hpp"

#include <vector>

namespace sb::projections {

sessions_projection::sessions_projection(std::unique_ptr<db::store> store,
                                         const analysis::rules& rules,
                                         write_mode mode,
                                         std::size_t cached_sessions)
  : store_(std::move(store)), rules_(rules), mode_(mode),
    cached_sessions_(cached_sessions),
    fold_(std::make_unique<sessions_fold>(rules, mode)) {}

sessions_projection::~sessions_projection() = default;

const std::string& sessions_projection::name() const {
  static const std::string name = projection_name;
  return name;
}

const std::vector<std::string>& sessions_projection::tables() const {
  static const std::vector<std::string> tables{"sessions", "turns",
                                               "live_calls"};
  return tables;
}

caf::expected<db::checkpoint>
sessions_projection::begin(const std::string& row) {
  fold_ = std::make_unique<sessions_fold>(rules_, mode_);
  auto cp = store_->load_checkpoint(row);
  if (!cp)
    return cp.error();
  if (auto err = store_->use_schema(
        db::generation_schema(projection_name, cp->generation)))
    return err;
  return cp;
}

caf::error sessions_projection::prepare(const std::set<std::string>& ids) {
  std::vector<std::string> unseen;
  for (const auto& id : ids)
    if (!fold_->holds(id))
      unseen.push_back(id);
  if (unseen.empty())
    return caf::none;
  auto sessions = store_->load_sessions(unseen);
  if (!sessions)
    return sessions.error();
  auto turns = store_->load_last_turns(unseen);
  if (!turns)
    return turns.error();
  fold_->load(std::move(*sessions), std::move(*turns));
  return caf::none;
}

void sessions_projection::apply(const event& e, const event_position& at) {
  fold_->apply(e, at);
}

caf::error sessions_projection::commit(const db::checkpoint& previous,
                                       const db::checkpoint& next, bool final) {
  auto batch = fold_->take_batch(final);
  batch.previous = previous;
  batch.next = next;
  auto committed = store_->commit(batch);
  if (!committed)
    return committed.error();
  fold_->trim(cached_sessions_);
  return caf::none;
}

} // namespace sb::projections
