#include "switchboard/projections/call_events_projection.hpp"

#include "fold_state.hpp"

#include "switchboard/db/array_literal.hpp"
#include "switchboard/db/pg_bulk.hpp"
#include "switchboard/events/calendar.hpp"
#include "switchboard/projections/call_events_fold.hpp"

// db's array literals (libpqxx 6.4 cannot bind arrays); private to db/,
// which has no public home for them yet.

#include <cstdio>

namespace sb::projections {

namespace {

const std::vector<std::string>& columns() {
  static const std::vector<std::string> all{
    "session_id", "tenant_id", "session_started_at", "seq", "type", "at",
    "payload",    "turn"};
  return all;
}

/// "2025-10-06T01:44:09.485123Z": UTC with microseconds, exactly as
/// sb_us_to_ts() makes it from the µs.
std::string timestamp_text(std::int64_t us) {
  auto micros = us % 1'000'000;
  if (micros < 0)
    micros += 1'000'000;
  auto text = format_iso8601_ms(us - micros); // "...:09.000Z"
  char frac[8];
  std::snprintf(frac, sizeof(frac), "%06lld", static_cast<long long>(micros));
  return text.substr(0, text.size() - 4) + frac + "Z";
}

/// A replay's generation is empty and a row never changes: COPY. As the
/// schema has it, a 0 start is the epoch and a 0 time is NULL.
void copy_rows(pqxx::work& tx, const std::vector<call_event_row>& rows) {
  std::vector<db::text_row> values;
  values.reserve(rows.size());
  for (const auto& r : rows)
    values.push_back(
      {r.session_id, r.tenant_id, timestamp_text(r.session_started_at),
       std::to_string(r.seq), r.type,
       r.at != 0 ? std::optional<std::string>{timestamp_text(r.at)}
                 : std::nullopt,
       r.payload, std::to_string(r.turn)});
  db::copy_rows(tx, "call_events", columns(), values);
}

/// One statement for the batch's rows. A row already there (a batch read
/// again after a commit whose answer was lost) stays as it is.
void insert_rows(pqxx::work& tx, const std::vector<call_event_row>& rows) {
  if (rows.empty())
    return;
  db::array_literal ids, tenants, starts, seqs, types, ats, payloads,
    turns;
  for (const auto& r : rows) {
    ids.add(std::string_view{r.session_id});
    tenants.add(std::string_view{r.tenant_id});
    starts.add(r.session_started_at);
    seqs.add(static_cast<std::int64_t>(r.seq));
    types.add(std::string_view{r.type});
    ats.add(r.at);
    payloads.add(std::string_view{r.payload});
    turns.add(r.turn);
  }
  tx.exec_params(
    "insert into call_events (session_id, tenant_id, session_started_at, "
    "  seq, type, at, payload, turn) "
    "select id, tenant, sb_us_to_ts(start), seq, type, "
    "       sb_us_to_ts(nullif(at, 0)), payload::jsonb, turn "
    "from unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], "
    "            $5::text[], $6::bigint[], $7::text[], $8::int[]) "
    "       as r(id, tenant, start, seq, type, at, payload, turn) "
    "on conflict do nothing",
    ids.str(), tenants.str(), starts.str(), seqs.str(), types.str(), ats.str(),
    payloads.str(), turns.str());
}

} // namespace

call_events_projection::call_events_projection(std::string pg_url,
                                               write_mode mode)
  : writer_(projection_name, std::move(pg_url)), mode_(mode),
    fold_(std::make_unique<call_events_fold>(mode)) {}

call_events_projection::~call_events_projection() = default;

const std::string& call_events_projection::name() const {
  static const std::string name = projection_name;
  return name;
}

const std::vector<std::string>& call_events_projection::tables() const {
  static const std::vector<std::string> tables{"call_events", "call_state"};
  return tables;
}

caf::expected<db::checkpoint>
call_events_projection::begin(const std::string& row) {
  fold_ = std::make_unique<call_events_fold>(mode_);
  return writer_.begin(row);
}

caf::error call_events_projection::prepare(const std::set<std::string>& ids) {
  return detail::load_missing_states(*fold_, writer_, ids);
}

void call_events_projection::apply(const event& e, const event_position& at) {
  fold_->apply(e, at);
}

caf::error call_events_projection::commit(const db::checkpoint& previous,
                                          const db::checkpoint& next,
                                          bool final) {
  auto batch = fold_->take_batch(final);
  std::set<std::int64_t> days;
  for (const auto& r : batch.rows)
    days.insert(db::utc_day_of(r.session_started_at));
  auto schema = writer_.schema_of(previous.generation);
  std::vector<std::string> ensured;
  auto err = writer_.commit(previous, next, [&](pqxx::work& tx) {
    ensured.clear();
    db::ensure_daily_partitions(tx, schema, {"call_events"}, days, partitions_,
                                ensured);
    if (mode_ == write_mode::bulk)
      copy_rows(tx, batch.rows);
    else
      insert_rows(tx, batch.rows);
    db::save_call_states(tx, batch.states);
  });
  if (err) {
    // Checked again next time: a partition may have gone since (retention
    // drops old days), and the runner's next pass starts from the stored
    // checkpoint with a new fold anyway.
    partitions_.clear();
    return err;
  }
  // Only now: a rolled-back transaction undid whatever it created.
  partitions_.insert(ensured.begin(), ensured.end());
  return caf::none;
}

} // namespace sb::projections
