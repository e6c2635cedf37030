// pg_store::commit: one projection batch and its checkpoint, atomically.

#include "switchboard/db/pg_store.hpp"

#include "batch_rules.hpp"
#include "partitions.hpp"
#include "pg_rows.hpp"
#include "pg_util.hpp"

#include <pqxx/prepared_statement>
#include <pqxx/result>
#include <pqxx/transaction>

#include <map>
#include <optional>
#include <utility>

namespace sb::db {

namespace {

/// Serializes partition creation between stores ("sbpartit").
constexpr std::int64_t partition_lock_key = 0x7362706172746974;

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

/// The stored position, locked until the transaction ends; creates the row
/// at position 0 if missing and `create` holds. nullopt: no row.
std::optional<std::uint64_t>
lock_checkpoint(pqxx::work& tx, const std::string& name, bool create) {
  constexpr const char* select_sql = "select position from "
                                     "projection_checkpoints where "
                                     "projection = $1 for update";
  auto rows = tx.exec_params(select_sql, name);
  if (rows.empty() && create) {
    tx.exec_params("insert into projection_checkpoints (projection, position)"
                   " values ($1, 0) on conflict do nothing",
                   name);
    rows = tx.exec_params(select_sql, name);
  }
  if (rows.empty())
    return std::nullopt;
  return rows[0][0].as<std::uint64_t>();
}

std::string epochs_json(const std::map<std::uint32_t, std::uint64_t>& m) {
  std::string out = "{";
  for (const auto& [partition, epoch] : m) {
    if (out.size() > 1)
      out += ',';
    out += '"' + std::to_string(partition) + "\":" + std::to_string(epoch);
  }
  return out + "}";
}

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
                       const std::set<std::string>& known,
                       std::vector<std::string>& ensured) {
  std::set<std::int64_t> days;
  for (const auto& s : batch.sessions)
    days.insert(detail::utc_day(s.started_at));
  for (const auto& t : batch.turns)
    days.insert(detail::utc_day(t.session_started_at));
  std::map<std::string, std::pair<std::string, std::int64_t>> wanted;
  for (auto day : days)
    for (const auto& table : partitioned_tables())
      if (auto name = detail::partition_name(table, day); !known.count(name))
        wanted.emplace(name, std::make_pair(table, day));
  if (wanted.empty())
    return;
  detail::array_literal names;
  for (const auto& [name, where] : wanted)
    names.add(std::string_view{name});
  auto missing = tx.exec_params("select n from unnest($1::text[]) as n "
                                "where to_regclass(n) is null",
                                names.str());
  if (!missing.empty()) {
    tx.exec_params("select pg_advisory_xact_lock($1)", partition_lock_key);
    for (const auto& row : missing) {
      const auto& [table, day] = wanted.at(row[0].as<std::string>());
      tx.exec(detail::partition_ddl(table, day));
    }
  }
  for (const auto& [name, where] : wanted)
    ensured.push_back(name);
}

void promote_placeholders(pqxx::work& tx, const projection_batch& batch) {
  auto promoted = detail::promoted_sessions(batch);
  if (promoted.empty())
    return;
  detail::array_literal ids, starts;
  for (const auto& [id, started_at] : promoted) {
    ids.add(std::string_view{id});
    starts.add(started_at);
  }
  tx.exec_params(promote_sql, ids.str(), starts.str());
}

/// Inserts the batch's new live calls (keeping rows that exist) and deletes
/// the ended ones.
void write_live_calls(pqxx::work& tx, const projection_batch& batch) {
  if (!batch.live_started.empty()) {
    detail::array_literal ids, tenants, partitions, positions, epochs, starts;
    for (const auto& row : batch.live_started) {
      ids.add(std::string_view{row.call_id});
      tenants.add(std::string_view{row.tenant_id});
      partitions.add(static_cast<std::int64_t>(row.partition));
      positions.add(static_cast<std::int64_t>(row.first_position));
      epochs.add(static_cast<std::int64_t>(row.epoch));
      starts.add(row.started_at);
    }
    tx.exec_params(
      "insert into live_calls (call_id, tenant_id, partition, "
      "first_position, epoch, started_at) "
      "select id, tenant, part, pos, epoch, sb_us_to_ts(start) "
      "from unnest($1::text[], $2::text[], $3::int[], $4::bigint[], "
      "            $5::bigint[], $6::bigint[]) "
      "       as r(id, tenant, part, pos, epoch, start) "
      "on conflict (call_id) do nothing",
      ids.str(), tenants.str(), partitions.str(), positions.str(), epochs.str(),
      starts.str());
  }
  if (!batch.live_ended.empty()) {
    detail::array_literal ids;
    for (const auto& id : batch.live_ended)
      ids.add(std::string_view{id});
    tx.exec_params("delete from live_calls where call_id = any($1::text[])",
                   ids.str());
  }
}

} // namespace

caf::error pg_store::commit_in(pqxx::connection& conn,
                               const projection_batch& batch,
                               std::vector<std::string>& created) {
  if (auto err = detail::validate(batch))
    return err;
  const auto& name = detail::projection_of(batch);
  pqxx::work tx{conn};
  auto stored = lock_checkpoint(tx, name, batch.previous.position == 0);
  if (!stored || *stored != batch.previous.position)
    return make_error(db_errc::checkpoint_conflict,
                      "commit: " + name + " is at "
                        + (stored ? std::to_string(*stored) : "no checkpoint")
                        + ", batch expects "
                        + std::to_string(batch.previous.position));
  ensure_partitions(tx, batch, partitions_, created);
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
  tx.exec_params("update projection_checkpoints set position = $2, "
                 "epochs = $3::jsonb, updated_at = now() "
                 "where projection = $1",
                 name, static_cast<std::int64_t>(batch.next.position),
                 epochs_json(batch.next.epochs));
  tx.commit();
  return caf::none;
}

} // namespace sb::db
