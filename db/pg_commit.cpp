// pg_store::commit: one projection batch and its checkpoint, atomically.

#include "switchboard/db/generations.hpp"
#include "switchboard/db/pg_session.hpp"
#include "switchboard/db/pg_store.hpp"

#include "batch_rules.hpp"
#include "partitions.hpp"
#include "pg_rows.hpp"
#include "pg_util.hpp"

#include "switchboard/db/array_literal.hpp"
#include "switchboard/db/pg_bulk.hpp"

#include <pqxx/prepared_statement>
#include <pqxx/result>
#include <pqxx/transaction>

#include <map>
#include <optional>
#include <utility>

namespace sb::db {

namespace {

/// The daily partitioned tables commit() writes.
const std::vector<std::string>& partitioned_tables() {
  static const std::vector<std::string> all{"sessions", "turns"};
  return all;
}

/// Deletes placeholder sessions (started_at = epoch) of ids written with a
/// known start and moves their turns there, keeping existing turns.
/// $1: ids, $2: known starts in µs.
constexpr const char* promote_sql = R"sql(
with p as (
  select * from unnest($1::text[], $2::bigint[]) as p(id, started_at)
), gone as (
  delete from sessions s using p
  where s.started_at = timestamptz 'epoch' and s.id = p.id
), moved as (
  delete from turns t using p
  where t.session_started_at = timestamptz 'epoch' and t.session_id = p.id
  returning t.*, p.started_at as new_started_at
)
insert into turns (session_id, tenant_id, session_started_at, turn, speaker,
                   text, started_at, ended_at, interrupted, user_to_bot_ms,
                   llm_ttfb_ms, tts_ttfb_ms)
select session_id, tenant_id, sb_us_to_ts(new_started_at), turn, speaker,
       text, started_at, ended_at, interrupted, user_to_bot_ms, llm_ttfb_ms,
       tts_ttfb_ms
from moved
on conflict do nothing
)sql";

/// The last version of each session key, in order of first appearance
/// (one INSERT ... ON CONFLICT cannot touch a row twice).
std::vector<const session_record*>
distinct_sessions(const std::vector<session_record>& rows) {
  std::map<std::pair<std::int64_t, std::string_view>, size_t> index;
  std::vector<const session_record*> result;
  for (const auto& row : rows) {
    auto [i, added] = index.emplace(
      std::make_pair(row.started_at, std::string_view{row.id}), result.size());
    if (added)
      result.push_back(&row);
    else
      result[i->second] = &row;
  }
  return result;
}

std::vector<const turn_record*>
distinct_turns(const std::vector<turn_record>& rows) {
  using key = std::tuple<std::int64_t, std::string_view, std::int32_t>;
  std::map<key, size_t> index;
  std::vector<const turn_record*> result;
  for (const auto& row : rows) {
    auto [i, added] = index.emplace(
      key{row.session_started_at, row.session_id, row.turn}, result.size());
    if (added)
      result.push_back(&row);
    else
      result[i->second] = &row;
  }
  return result;
}

/// Creates the daily partitions the batch needs that `known` lacks; fills
/// `ensured` with every partition checked. Throws.
void ensure_partitions(pqxx::work& tx, const projection_batch& batch,
                       const std::string& schema,
                       const std::set<std::string>& known,
                       std::vector<std::string>& ensured) {
  std::set<std::int64_t> days;
  for (const auto* rows : {&batch.sessions, &batch.new_sessions})
    for (const auto& s : *rows)
      days.insert(detail::utc_day(s.started_at));
  for (const auto* rows : {&batch.turns, &batch.new_turns})
    for (const auto& t : *rows)
      days.insert(detail::utc_day(t.session_started_at));
  ensure_daily_partitions(tx, schema, partitioned_tables(), days, known,
                          ensured);
}

void promote_placeholders(pqxx::work& tx, const projection_batch& batch) {
  auto promoted = detail::promoted_sessions(batch);
  if (promoted.empty())
    return;
  array_literal ids, starts;
  for (const auto& [id, started_at] : promoted) {
    ids.add(std::string_view{id});
    starts.add(started_at);
  }
  tx.exec_params(promote_sql, ids.str(), starts.str());
}

/// Inserts the batch's new live calls (keeping rows that exist), updates
/// the view columns of live calls it changed, deletes the ended ones.
void write_live_calls(pqxx::work& tx, const projection_batch& batch) {
  struct columns {
    array_literal ids, tenants, partitions, positions, epochs, starts,
      agents, statuses, activity, turns, utterances;
    void add(const live_call_record& row) {
      ids.add(std::string_view{row.call_id});
      tenants.add(std::string_view{row.tenant_id});
      partitions.add(static_cast<std::int64_t>(row.partition));
      positions.add(static_cast<std::int64_t>(row.first_position));
      epochs.add(static_cast<std::int64_t>(row.epoch));
      starts.add(row.started_at);
      agents.add(std::string_view{row.agent_id});
      statuses.add(std::string_view{row.status});
      activity.add(row.last_activity_at);
      turns.add(row.turn_count);
      utterances.add(std::string_view{row.last_utterance});
    }
  };
  if (!batch.live_started.empty()) {
    columns c;
    for (const auto& row : batch.live_started)
      c.add(row);
    tx.exec_params(
      "insert into live_calls (call_id, tenant_id, partition, "
      "first_position, epoch, started_at, agent_id, status, "
      "last_activity_at, turn_count, last_utterance) "
      "select id, tenant, part, pos, epoch, sb_us_to_ts(start), agent, "
      "       status, sb_us_to_ts(nullif(activity, 0)), turns, utterance "
      "from unnest($1::text[], $2::text[], $3::int[], $4::bigint[], "
      "            $5::bigint[], $6::bigint[], $7::text[], $8::text[], "
      "            $9::bigint[], $10::int[], $11::text[]) "
      "       as r(id, tenant, part, pos, epoch, start, agent, status, "
      "            activity, turns, utterance) "
      "on conflict (call_id) do nothing",
      c.ids.str(), c.tenants.str(), c.partitions.str(), c.positions.str(),
      c.epochs.str(), c.starts.str(), c.agents.str(), c.statuses.str(),
      c.activity.str(), c.turns.str(), c.utterances.str());
  }
  if (!batch.live_changed.empty()) {
    columns c;
    for (const auto& row : batch.live_changed)
      c.add(row);
    tx.exec_params(
      "update live_calls l set agent_id = r.agent, status = r.status, "
      "  last_activity_at = sb_us_to_ts(nullif(r.activity, 0)), "
      "  turn_count = r.turns, last_utterance = r.utterance "
      "from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], "
      "            $5::int[], $6::text[]) "
      "       as r(id, agent, status, activity, turns, utterance) "
      "where l.call_id = r.id",
      c.ids.str(), c.agents.str(), c.statuses.str(), c.activity.str(),
      c.turns.str(), c.utterances.str());
  }
  if (!batch.live_ended.empty()) {
    array_literal ids;
    for (const auto& id : batch.live_ended)
      ids.add(std::string_view{id});
    tx.exec_params("delete from live_calls where call_id = any($1::text[])",
                   ids.str());
  }
}

template <class Record>
std::vector<const Record*> pointers(const std::vector<Record>& rows) {
  std::vector<const Record*> out;
  out.reserve(rows.size());
  for (const auto& row : rows)
    out.push_back(&row);
  return out;
}

} // namespace

caf::error pg_store::commit_in(pqxx::connection& conn,
                               const projection_batch& batch,
                               std::vector<std::string>& created) {
  if (auto err = detail::validate(batch))
    return err;
  return commit_checkpointed(
    conn, batch.previous, batch.next, [&](pqxx::work& tx) {
      // The batch says which generation it writes (a replay's shadow or
      // the live one): its tables come first for this transaction.
      auto schema = generation_schema("sessions", batch.previous.generation);
      tx.exec("set local search_path to " + tx.quote_name(schema) + ", public");
      ensure_partitions(tx, batch, schema, partitions_, created);
      detail::copy_sessions(tx, pointers(batch.new_sessions));
      detail::copy_turns(tx, pointers(batch.new_turns));
      if (!batch.sessions.empty()) {
        auto args = detail::session_params(distinct_sessions(batch.sessions));
        tx.exec_prepared("sb_upsert_sessions",
                         pqxx::prepare::make_dynamic_params(args));
      }
      if (!batch.turns.empty()) {
        auto args = detail::turn_params(distinct_turns(batch.turns));
        tx.exec_prepared("sb_upsert_turns",
                         pqxx::prepare::make_dynamic_params(args));
      }
      promote_placeholders(tx, batch);
      write_live_calls(tx, batch);
    });
}

} // namespace sb::db
