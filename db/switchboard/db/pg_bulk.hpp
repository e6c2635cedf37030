#pragma once

// Writing helpers every projection's writer shares: COPY of text rows (bulk
// mode), the daily partitions of partitioned tables, and the per-call fold
// state a projection keeps in its generation's
// `call_state` table (opaque bytes it serializes itself). Called inside a
// transaction of commit_checkpointed(); they throw, as libpqxx does.

#include <pqxx/transaction>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace sb::db {

/// One row of COPY values in text form; nullopt is NULL.
using text_row = std::vector<std::optional<std::string>>;

/// COPY `rows` into `table` (columns in `columns` order). Text is escaped
/// here; values must hold no NUL byte (std::invalid_argument).
void copy_rows(pqxx::work& tx, const std::string& table,
               const std::vector<std::string>& columns,
               const std::vector<text_row>& rows);

/// Days since 1970-01-01 of the UTC day holding `us` (µs since the epoch):
/// the partition a row of that time goes to.
[[nodiscard]] std::int64_t utc_day_of(std::int64_t us);

/// Creates the daily partitions (<table>_YYYYMMDD, range on a timestamptz)
/// of each of `tables` for each of `days` that do not exist yet, in the
/// schema on the search path, `schema`. Names in `known` (qualified with
/// the schema) are skipped; `ensured` gets every name checked, for the
/// caller to add to `known` once the transaction has committed (a rollback
/// undoes the creation).
void ensure_daily_partitions(pqxx::work& tx, const std::string& schema,
                             const std::vector<std::string>& tables,
                             const std::set<std::int64_t>& days,
                             const std::set<std::string>& known,
                             std::vector<std::string>& ensured);

/// The stored states of those `call_ids` that have one (table call_state
/// of the schema on the search path).
[[nodiscard]] std::map<std::string, std::string>
load_call_states(pqxx::transaction_base& tx,
                 const std::vector<std::string>& call_ids);

/// Upserts (call id, state) pairs; ids must be distinct.
void save_call_states(
  pqxx::work& tx,
  const std::vector<std::pair<std::string, std::string>>& states);

} // namespace sb::db
