// pg_store::list_conversations (one tenant's sessions, filtered, in keyset
// order) and list_active_calls (its live calls); the WHERE clause of the
// filters is session_filter_sql's.

#include "switchboard/db/conversation_query.hpp"
#include "switchboard/db/pg_store.hpp"

#include "pg_rows.hpp"
#include "session_filter_sql.hpp"
#include "pg_util.hpp"

#include <pqxx/prepared_statement>
#include <pqxx/result>
#include <pqxx/transaction>


namespace sb::db {

double sort_value(const session_record& s, conversation_sort sort) noexcept {
  switch (sort) {
    case conversation_sort::started_at:
      return static_cast<double>(s.started_at);
    case conversation_sort::duration_ms:
      return static_cast<double>(s.duration_ms);
    case conversation_sort::cost:
      return static_cast<double>(s.cost_total);
    case conversation_sort::latency_p95_ms:
      return s.latency_p95_ms < 0 ? -1.0 : s.latency_p95_ms;
  }
  return 0;
}

namespace {

using detail::add_session_filters;
using detail::exact_text;
using detail::where_builder;

/// The sort expression and the SQL type of its keyset value.
struct sort_column {
  const char* expr;
  const char* type;
};

sort_column column_of(conversation_sort sort) {
  switch (sort) {
    case conversation_sort::started_at:
      return {"s.started_at", ""};
    case conversation_sort::duration_ms:
      return {"s.duration_ms", "bigint"};
    case conversation_sort::cost:
      return {"s.cost_total", "bigint"};
    case conversation_sort::latency_p95_ms:
      return {"coalesce(s.latency_p95_ms, -1)", "double precision"};
  }
  return {"s.started_at", ""};
}

/// Rows strictly after `after` in the query's order.
void add_keyset(where_builder& w, const conversation_query& q) {
  if (!q.after)
    return;
  const char* op = q.ascending ? ">" : "<";
  auto started = "sb_us_to_ts(" + w.param(std::to_string(q.after->started_at))
                 + "::bigint)";
  auto id = w.param(q.after->id);
  auto col = column_of(q.sort);
  if (q.sort == conversation_sort::started_at) {
    w.require("(s.started_at, s.id) " + std::string{op} + " (" + started + ", "
              + id + ")");
    return;
  }
  auto value = q.sort == conversation_sort::latency_p95_ms
                 ? exact_text(q.after->value)
                 : std::to_string(static_cast<std::int64_t>(q.after->value));
  w.require("(" + std::string{col.expr} + ", s.started_at, s.id) " + op + " ("
            + w.param(value) + "::" + col.type + ", " + started + ", " + id
            + ")");
}

std::string order_by(const conversation_query& q) {
  const char* dir = q.ascending ? " asc" : " desc";
  std::string out = " order by ";
  if (q.sort != conversation_sort::started_at)
    out += std::string{column_of(q.sort).expr} + dir + ", ";
  return out + "s.started_at" + dir + ", s.id" + dir;
}

} // namespace

caf::expected<conversation_page>
pg_store::list_conversations(const std::string& tenant_id,
                             const conversation_query& q) {
  conversation_page page;
  auto err = run("list_conversations", [&](pqxx::connection& conn) {
    // One snapshot for the count and the page.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx{conn};
    if (q.include_total) {
      where_builder all;
      add_session_filters(all, tenant_id, q.filter);
      auto rows = tx.exec_params("select count(*) from sessions s"
                                   + all.clause(),
                                 pqxx::prepare::make_dynamic_params(
                                   all.params()));
      page.total = rows[0][0].as<std::uint64_t>();
    }
    where_builder w;
    add_session_filters(w, tenant_id, q.filter);
    add_keyset(w, q);
    // One row more than asked says whether another page follows.
    auto sql = "select " + detail::session_select_list() + " from sessions s"
               + w.clause() + order_by(q) + " limit "
               + std::to_string(q.limit + 1);
    auto rows
      = tx.exec_params(sql, pqxx::prepare::make_dynamic_params(w.params()));
    for (const auto& row : rows) {
      if (page.items.size() == q.limit) {
        page.has_more = true;
        break;
      }
      page.items.push_back(detail::read_session(row));
    }
    return caf::error{};
  });
  if (err)
    return err;
  return page;
}

caf::expected<active_calls>
pg_store::list_active_calls(const std::string& tenant_id, std::size_t limit) {
  active_calls out;
  auto err = run("list_active_calls", [&](pqxx::connection& conn) {
    detail::check_no_nul(tenant_id);
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx{conn};
    out.count = tx.exec_params("select count(*) from live_calls "
                               "where tenant_id = $1",
                               tenant_id)[0][0]
                  .as<std::uint64_t>();
    auto rows = tx.exec_params(
      "select " + detail::live_call_select_list()
        + " from live_calls where tenant_id = $1 "
          "order by started_at desc nulls last, call_id limit $2",
      tenant_id, static_cast<std::int64_t>(limit));
    for (const auto& row : rows)
      out.items.push_back(detail::read_live_call(row));
    return caf::error{};
  });
  if (err)
    return err;
  return out;
}

} // namespace sb::db
