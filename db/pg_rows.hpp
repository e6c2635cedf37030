#pragma once

// How session_record and turn_record map to SQL: select lists, row readers,
// and the set-based upserts that take one array parameter per column.

#include "switchboard/db/records.hpp"

#include <pqxx/row>
#include <pqxx/transaction>

#include <string>
#include <vector>

namespace sb::db::detail {

/// Columns of `sessions` in session_record order, times as µs.
[[nodiscard]] const std::string& session_select_list();

/// A row selected with session_select_list().
[[nodiscard]] session_record read_session(const pqxx::row& row);

/// Columns of `turns` in turn_record order, times as µs.
[[nodiscard]] const std::string& turn_select_list();

/// A row selected with turn_select_list().
[[nodiscard]] turn_record read_turn(const pqxx::row& row);

/// Columns of `live_calls` in live_call_record order, times as µs (0 for
/// unknown).
[[nodiscard]] const std::string& live_call_select_list();

/// A row selected with live_call_select_list().
[[nodiscard]] live_call_record read_live_call(const pqxx::row& row);

/// INSERT INTO sessions ... SELECT ... FROM unnest($1::text[], ...) ON
/// CONFLICT (started_at, id) DO UPDATE SET every column. The rows must have
/// distinct keys.
[[nodiscard]] const std::string& upsert_sessions_sql();

/// The parameters of upsert_sessions_sql(): one array literal per column.
[[nodiscard]] std::vector<std::string>
session_params(const std::vector<const session_record*>& rows);

/// Same for turns, key (session_started_at, session_id, turn).
[[nodiscard]] const std::string& upsert_turns_sql();

[[nodiscard]] std::vector<std::string>
turn_params(const std::vector<const turn_record*>& rows);

/// Bulk mode: COPY new rows in (no existing row may have their key).
/// Throws.
void copy_sessions(pqxx::work& tx,
                   const std::vector<const session_record*>& rows);
void copy_turns(pqxx::work& tx, const std::vector<const turn_record*>& rows);

} // namespace sb::db::detail
