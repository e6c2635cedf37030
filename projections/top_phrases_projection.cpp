#include "switchboard/projections/top_phrases_projection.hpp"

#include "fold_state.hpp"

#include "switchboard/db/array_literal.hpp"
#include "switchboard/db/pg_bulk.hpp"
#include "switchboard/events/calendar.hpp"
#include "switchboard/projections/top_phrases_fold.hpp"

// db's array literals (libpqxx 6.4 cannot bind arrays); private to db/,
// which has no public home for them yet.

namespace sb::projections {

namespace {

/// "2025-06-01": the date of a day's start.
std::string date_of(std::int64_t day_us) {
  return format_iso8601_ms(day_us).substr(0, 10);
}

/// A replay's generation is empty: every row once, by COPY.
void copy_counts(pqxx::work& tx,
                 const std::map<phrase_key, std::int64_t>& counts) {
  std::vector<db::text_row> rows;
  rows.reserve(counts.size());
  for (const auto& [k, n] : counts)
    rows.push_back(
      {k.tenant_id, k.agent_id, date_of(k.day), k.phrase, std::to_string(n)});
  db::copy_rows(tx, "top_phrases",
                {"tenant_id", "agent_id", "day", "phrase", "count"}, rows);
}

/// One statement adds the batch's counts, one row per key (the keys are
/// distinct, as ON CONFLICT DO UPDATE needs).
void add_counts(pqxx::work& tx,
                const std::map<phrase_key, std::int64_t>& counts) {
  if (counts.empty())
    return;
  db::array_literal tenants, agents, days, phrases, ns;
  for (const auto& [k, n] : counts) {
    tenants.add(std::string_view{k.tenant_id});
    agents.add(std::string_view{k.agent_id});
    days.add(std::string_view{date_of(k.day)});
    phrases.add(std::string_view{k.phrase});
    ns.add(n);
  }
  tx.exec_params(
    "insert into top_phrases as t (tenant_id, agent_id, day, phrase, count) "
    "select tenant, agent, day::date, phrase, n "
    "from unnest($1::text[], $2::text[], $3::text[], $4::text[], "
    "            $5::bigint[]) as r(tenant, agent, day, phrase, n) "
    "on conflict (tenant_id, agent_id, day, phrase) do update "
    "set count = t.count + excluded.count",
    tenants.str(), agents.str(), days.str(), phrases.str(), ns.str());
}

} // namespace

top_phrases_projection::top_phrases_projection(std::string pg_url,
                                               write_mode mode)
  : writer_(projection_name, std::move(pg_url)), mode_(mode),
    fold_(std::make_unique<top_phrases_fold>(mode)) {}

top_phrases_projection::~top_phrases_projection() = default;

const std::string& top_phrases_projection::name() const {
  static const std::string name = projection_name;
  return name;
}

const std::vector<std::string>& top_phrases_projection::tables() const {
  static const std::vector<std::string> tables{"top_phrases", "call_state"};
  return tables;
}

caf::expected<db::checkpoint>
top_phrases_projection::begin(const std::string& row) {
  fold_ = std::make_unique<top_phrases_fold>(mode_);
  return writer_.begin(row);
}

caf::error top_phrases_projection::prepare(const std::set<std::string>& ids) {
  return detail::load_missing_states(*fold_, writer_, ids);
}

void top_phrases_projection::apply(const event& e, const event_position& at) {
  fold_->apply(e, at);
}

caf::error top_phrases_projection::commit(const db::checkpoint& previous,
                                          const db::checkpoint& next,
                                          bool final) {
  auto batch = fold_->take_batch(final);
  return writer_.commit(previous, next, [&](pqxx::work& tx) {
    if (mode_ == write_mode::bulk)
      copy_counts(tx, batch.counts);
    else
      add_counts(tx, batch.counts);
    db::save_call_states(tx, batch.states);
  });
}

} // namespace sb::projections
