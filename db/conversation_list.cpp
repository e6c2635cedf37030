// pg_store::list_conversations (one tenant's sessions, filtered, in keyset
// order) and list_active_calls (its live calls). Every value travels as a parameter; only fixed fragments of SQL
// (chosen by the query's fields, never by their text) are joined.

#include "switchboard/db/array_literal.hpp"
#include "switchboard/db/conversation_query.hpp"
#include "switchboard/db/pg_store.hpp"

#include "pg_rows.hpp"
#include "pg_util.hpp"

#include <pqxx/prepared_statement>
#include <pqxx/result>
#include <pqxx/transaction>

#include <charconv>

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

/// A WHERE clause under construction and its parameters ($1, $2, ...).
class where_builder {
public:
  /// Adds `value` as the next parameter and returns its placeholder.
  std::string param(std::string value) {
    detail::check_no_nul(value);
    params_.push_back(std::move(value));
    return "$" + std::to_string(params_.size());
  }

  void require(std::string condition) {
    clause_ += clause_.empty() ? " where " : " and ";
    clause_ += condition;
  }

  void equals(const char* column, const std::optional<std::string>& value) {
    if (value)
      require(std::string{column} + " = " + param(*value));
  }

  void any_of(const char* column, const std::vector<std::string>& values) {
    if (values.empty())
      return;
    array_literal list;
    for (const auto& v : values)
      list.add(std::string_view{v});
    require(std::string{column} + " = any(" + param(list.str()) + "::text[])");
  }

  void bound(const char* expr, const char* op,
             const std::optional<std::int64_t>& value) {
    if (value)
      require(std::string{expr} + " " + op + " " + param(std::to_string(*value))
              + "::bigint");
  }

  const std::string& clause() const { return clause_; }
  const std::vector<std::string>& params() const { return params_; }

private:
  std::string clause_;
  std::vector<std::string> params_;
};

std::string exact_text(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec; // 64 bytes hold any double
  return std::string(buf, end);
}

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

void add_filters(where_builder& w, const std::string& tenant_id,
                 const conversation_filter& f) {
  w.require("s.tenant_id = " + w.param(tenant_id));
  if (f.started_from_us)
    w.require("s.started_at >= sb_us_to_ts("
              + w.param(std::to_string(*f.started_from_us)) + "::bigint)");
  if (f.started_to_us)
    w.require("s.started_at < sb_us_to_ts("
              + w.param(std::to_string(*f.started_to_us)) + "::bigint)");
  w.any_of("s.agent_id", f.agent_ids);
  w.any_of("s.status", f.statuses);
  w.equals("s.end_reason", f.end_reason);
  w.equals("s.direction", f.direction);
  w.equals("s.language", f.language);
  w.equals("s.campaign", f.campaign);
  w.equals("s.provider", f.provider);
  w.equals("s.success", f.success);
  w.equals("s.sentiment", f.sentiment);
  if (f.tag)
    w.require(w.param(*f.tag) + " = any(s.tags)");
  if (f.tool)
    // The debug trace (call_events) names each tool called.
    w.require("exists (select 1 from call_events e "
              "where e.session_started_at = s.started_at "
              "and e.session_id = s.id and e.type = 'tool_call' "
              "and e.payload->>'name' = "
              + w.param(*f.tool) + ")");
  if (f.has_error)
    w.require(std::string{*f.has_error ? "" : "not "}
              + "(s.error_count > 0 or s.tool_errors > 0)");
  w.bound("s.duration_ms", ">=", f.min_duration_ms);
  w.bound("s.duration_ms", "<=", f.max_duration_ms);
  w.bound("s.cost_total", ">=", f.min_cost_micros);
  w.bound("s.cost_total", "<=", f.max_cost_micros);
  if (f.min_latency_p95_ms)
    w.require("s.latency_p95_ms >= "
              + w.param(exact_text(*f.min_latency_p95_ms))
              + "::double precision");
  if (!f.text.empty())
    w.require("exists (select 1 from turns t "
              "where t.session_started_at = s.started_at "
              "and t.session_id = s.id "
              "and sb_search_text(t.text) @@ sb_search_query("
              + w.param(f.text) + "))");
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
      add_filters(all, tenant_id, q.filter);
      auto rows = tx.exec_params("select count(*) from sessions s"
                                   + all.clause(),
                                 pqxx::prepare::make_dynamic_params(
                                   all.params()));
      page.total = rows[0][0].as<std::uint64_t>();
    }
    where_builder w;
    add_filters(w, tenant_id, q.filter);
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
