#include "session_filter_sql.hpp"

#include "switchboard/db/array_literal.hpp"

#include "pg_util.hpp"

#include <charconv>

namespace sb::db::detail {

std::string where_builder::param(std::string value) {
  check_no_nul(value);
  params_.push_back(std::move(value));
  return "$" + std::to_string(params_.size());
}

void where_builder::require(std::string condition) {
  clause_ += clause_.empty() ? " where " : " and ";
  clause_ += condition;
}

void where_builder::equals(const char* column,
                           const std::optional<std::string>& value) {
  if (value)
    require(std::string{column} + " = " + param(*value));
}

void where_builder::any_of(const char* column,
                           const std::vector<std::string>& values) {
  if (values.empty())
    return;
  array_literal list;
  for (const auto& v : values)
    list.add(std::string_view{v});
  require(std::string{column} + " = any(" + param(list.str()) + "::text[])");
}

void where_builder::bound(const char* expr, const char* op,
                          const std::optional<std::int64_t>& value) {
  if (value)
    require(std::string{expr} + " " + op + " " + param(std::to_string(*value))
            + "::bigint");
}

std::string exact_text(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec; // 64 bytes hold any double
  return std::string(buf, end);
}

void add_session_filters(where_builder& w, const std::string& tenant_id,
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

} // namespace sb::db::detail
