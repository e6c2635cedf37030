// pg_store::sum_stats (a tenant's calls summed per agent and bucket, as
// stats_plan.hpp splits the range between agent_stats_daily,
// agent_stats_hourly and sessions), top_phrases, count_tags and
// list_checkpoints: what the analytics endpoints read. All queries of one
// answer run in one read-only snapshot.

#include "switchboard/db/analytics_query.hpp"
#include "switchboard/db/array_literal.hpp"
#include "switchboard/db/pg_store.hpp"

#include "pg_util.hpp"
#include "session_filter_sql.hpp"
#include "stats_plan.hpp"

#include <pqxx/prepared_statement>
#include <pqxx/result>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include <map>
#include <utility>

namespace sb::db {

void latency_counts::add(const latency_counts& other) {
  for (std::size_t i = 0; i < counts.size(); ++i)
    counts[i] += other.counts[i];
  sum_us += other.sum_us;
  count += other.count;
}

void stats_totals::add(const stats_totals& o) {
  sessions += o.sessions;
  for (const auto& [k, n] : o.by_status)
    by_status[k] += n;
  for (const auto& [k, n] : o.by_end_reason)
    by_end_reason[k] += n;
  success += o.success;
  failure += o.failure;
  unknown_outcome += o.unknown_outcome;
  duration_ms_sum += o.duration_ms_sum;
  turns += o.turns;
  interruptions += o.interruptions;
  sentiment_positive += o.sentiment_positive;
  sentiment_neutral += o.sentiment_neutral;
  sentiment_negative += o.sentiment_negative;
  sentiment_unknown += o.sentiment_unknown;
  tool_calls += o.tool_calls;
  tool_errors += o.tool_errors;
  cost_total += o.cost_total;
  cost_llm_prompt += o.cost_llm_prompt;
  cost_llm_completion += o.cost_llm_completion;
  cost_llm_cached += o.cost_llm_cached;
  cost_tts += o.cost_tts;
  cost_stt += o.cost_stt;
  cost_telephony += o.cost_telephony;
  user_to_bot.add(o.user_to_bot);
  stt_ttfb.add(o.stt_ttfb);
  llm_ttfb.add(o.llm_ttfb);
  tts_ttfb.add(o.tts_ttfb);
  ttfb_interrupted += o.ttfb_interrupted;
}

bool pre_aggregable(const conversation_filter& f) noexcept {
  return f.statuses.empty() && !f.end_reason && !f.campaign && !f.provider
         && !f.success && !f.sentiment && !f.tag && !f.tool && !f.has_error
         && !f.min_duration_ms && !f.max_duration_ms && !f.min_cost_micros
         && !f.max_cost_micros && !f.min_latency_p95_ms && f.text.empty();
}

namespace {

using detail::stats_plan;
using detail::time_span;
using detail::where_builder;

using group_key = std::pair<std::string, std::size_t>; // agent, bucket
using group_map = std::map<group_key, stats_totals>;

/// A counter column of the agent_stats tables and where it goes.
struct counter_column {
  const char* name;
  std::int64_t& (*at)(stats_totals&);
};

#define SB_COUNTER(column, member)                                             \
  counter_column {                                                             \
    column, [](stats_totals& t) -> std::int64_t& { return t.member; }        \
  }

const std::vector<counter_column>& counter_columns() {
  static const std::vector<counter_column> all{
    SB_COUNTER("sessions", sessions),
    SB_COUNTER("success", success),
    SB_COUNTER("failure", failure),
    SB_COUNTER("unknown_outcome", unknown_outcome),
    SB_COUNTER("duration_ms_sum", duration_ms_sum),
    SB_COUNTER("turns", turns),
    SB_COUNTER("interruptions", interruptions),
    SB_COUNTER("sentiment_positive", sentiment_positive),
    SB_COUNTER("sentiment_neutral", sentiment_neutral),
    SB_COUNTER("sentiment_negative", sentiment_negative),
    SB_COUNTER("sentiment_unknown", sentiment_unknown),
    SB_COUNTER("tool_calls", tool_calls),
    SB_COUNTER("tool_errors", tool_errors),
    SB_COUNTER("cost_total", cost_total),
    SB_COUNTER("cost_llm_prompt", cost_llm_prompt),
    SB_COUNTER("cost_llm_completion", cost_llm_completion),
    SB_COUNTER("cost_llm_cached", cost_llm_cached),
    SB_COUNTER("cost_tts", cost_tts),
    SB_COUNTER("cost_stt", cost_stt),
    SB_COUNTER("cost_telephony", cost_telephony),
    SB_COUNTER("ttfb_interrupted", ttfb_interrupted),
    SB_COUNTER("user_to_bot_sum_us", user_to_bot.sum_us),
    SB_COUNTER("user_to_bot_count", user_to_bot.count),
    SB_COUNTER("stt_sum_us", stt_ttfb.sum_us),
    SB_COUNTER("stt_count", stt_ttfb.count),
    SB_COUNTER("llm_ttfb_sum_us", llm_ttfb.sum_us),
    SB_COUNTER("llm_ttfb_count", llm_ttfb.count),
    SB_COUNTER("tts_ttfb_sum_us", tts_ttfb.sum_us),
    SB_COUNTER("tts_ttfb_count", tts_ttfb.count),
  };
  return all;
}

#undef SB_COUNTER

/// The histogram columns, with the one-letter tag their rows carry.
struct histogram_column {
  const char* name;
  char tag;
  latency_counts stats_totals::*member;
};

constexpr histogram_column histogram_columns[] = {
  {"user_to_bot_hist", 'u', &stats_totals::user_to_bot},
  {"stt_hist", 's', &stats_totals::stt_ttfb},
  {"llm_ttfb_hist", 'l', &stats_totals::llm_ttfb},
  {"tts_ttfb_hist", 't', &stats_totals::tts_ttfb},
};

/// The index of the bucket holding `time_us_expr`: width_bucket over the
/// interior boundaries (0 below the first), or 0 with one bucket.
std::string bucket_index(where_builder& w, const std::string& time_us_expr,
                         const std::vector<std::int64_t>& interior) {
  if (interior.empty())
    return "0";
  array_literal list;
  for (auto t : interior)
    list.add(t);
  return "width_bucket(" + time_us_expr + ", " + w.param(list.str())
         + "::bigint[])";
}

/// `column` in one of `spans` (each [from, to), unset ends unbounded).
std::string in_spans(where_builder& w, const char* column,
                     const std::vector<time_span>& spans) {
  std::string out;
  for (const auto& s : spans) {
    std::string one = "true";
    if (s.from)
      one += std::string{" and "} + column + " >= sb_us_to_ts("
             + w.param(std::to_string(*s.from)) + "::bigint)";
    if (s.to)
      one += std::string{" and "} + column + " < sb_us_to_ts("
             + w.param(std::to_string(*s.to)) + "::bigint)";
    out += (out.empty() ? "(" : " or (") + one + ")";
  }
  return "(" + out + ")";
}

/// The rows of the plan's daily and hourly spans as CTE `r`: every column
/// of the tables plus `b`, the output bucket.
std::string table_rows_cte(where_builder& w, const std::string& tenant_id,
                           const conversation_filter& f,
                           const std::vector<std::int64_t>& interior,
                           const stats_plan& plan) {
  std::string dims = "tenant_id = " + w.param(tenant_id);
  if (!f.agent_ids.empty()) {
    array_literal agents;
    for (const auto& a : f.agent_ids)
      agents.add(std::string_view{a});
    dims += " and agent_id = any(" + w.param(agents.str()) + "::text[])";
  }
  if (f.direction)
    dims += " and direction = " + w.param(*f.direction);
  if (f.language)
    dims += " and language = " + w.param(*f.language);
  auto b = bucket_index(w, "sb_ts_to_us(bucket)", interior);
  std::string parts;
  auto part = [&](const char* table, const std::vector<time_span>& spans) {
    if (spans.empty())
      return;
    if (!parts.empty())
      parts += " union all ";
    parts += "select " + b + " as b, t.* from " + table + " t where " + dims
             + " and " + in_spans(w, "bucket", spans);
  };
  part("agent_stats_daily", plan.daily);
  part("agent_stats_hourly", plan.hourly);
  return "with r as (" + parts + ") ";
}

void read_tables(pqxx::transaction_base& tx, const std::string& tenant_id,
                 const stats_request& req,
                 const std::vector<std::int64_t>& interior,
                 const stats_plan& plan, group_map& groups) {
  auto query = [&](const std::string& body) {
    where_builder w;
    auto sql = table_rows_cte(w, tenant_id, req.filter, interior, plan) + body;
    return tx.exec_params(sql, pqxx::prepare::make_dynamic_params(w.params()));
  };
  std::string sums;
  for (const auto& c : counter_columns())
    sums += std::string{", coalesce(sum("} + c.name + "), 0)::bigint";
  for (const auto& row :
       query("select agent_id, b" + sums + " from r group by agent_id, b")) {
    auto& t = groups[{row[0].as<std::string>(), row[1].as<std::size_t>()}];
    int i = 2;
    for (const auto& c : counter_columns())
      c.at(t) += row[i++].as<std::int64_t>();
  }
  for (const auto& row : query(
         "select agent_id, b, 's', key, sum(value::bigint)::bigint "
         "from r, jsonb_each_text(r.by_status) group by agent_id, b, key "
         "union all "
         "select agent_id, b, 'e', key, sum(value::bigint)::bigint "
         "from r, jsonb_each_text(r.by_end_reason) group by agent_id, b, key")) {
    auto& t = groups[{row[0].as<std::string>(), row[1].as<std::size_t>()}];
    auto& counts = row[2].as<std::string>() == "s" ? t.by_status
                                                    : t.by_end_reason;
    counts[row[3].as<std::string>()] += row[4].as<std::int64_t>();
  }
  if (!req.histograms)
    return;
  std::string hists;
  for (const auto& h : histogram_columns) {
    if (!hists.empty())
      hists += " union all ";
    hists += std::string{"select agent_id, b, '"} + h.tag
             + "', i, sum(c)::bigint from r, unnest(r." + h.name
             + ") with ordinality as u(c, i) group by agent_id, b, i";
  }
  for (const auto& row : query(hists)) {
    auto& t = groups[{row[0].as<std::string>(), row[1].as<std::size_t>()}];
    auto tag = row[2].as<std::string>();
    auto i = row[3].as<std::size_t>(); // 1-based
    for (const auto& h : histogram_columns)
      if (tag[0] == h.tag && i >= 1 && i <= (t.*h.member).counts.size())
        (t.*h.member).counts[i - 1] += row[4].as<std::int64_t>();
  }
}

/// The calls of `span` that the whole filter selects, counted as a call
/// counts in agent_stats (projections/agent_stats_fold.cpp, contribution).
void read_sessions(pqxx::transaction_base& tx, const std::string& tenant_id,
                   conversation_filter f, const time_span& span,
                   const std::vector<std::int64_t>& interior,
                   group_map& groups) {
  f.started_from_us = span.from;
  f.started_to_us = span.to;
  where_builder w;
  auto b = bucket_index(w, "sb_ts_to_us(s.started_at)", interior);
  detail::add_session_filters(w, tenant_id, f);
  auto sum = [](const char* expr) {
    return std::string{", coalesce(sum("} + expr + "), 0)::bigint";
  };
  auto sql = "select s.agent_id, " + b
             + ", s.status, coalesce(s.end_reason, ''), count(*)::bigint"
             + sum("(s.success = 'success')::int")
             + sum("(s.success = 'failure')::int")
             + sum("(s.sentiment = 'positive')::int")
             + sum("(s.sentiment = 'neutral')::int")
             + sum("(s.sentiment = 'negative')::int") + sum("s.duration_ms")
             + sum("s.turn_count") + sum("s.interruptions")
             + sum("s.tool_calls") + sum("s.tool_errors")
             + sum("s.cost_total") + sum("s.cost_llm_prompt")
             + sum("s.cost_llm_completion") + sum("s.cost_llm_cached")
             + sum("s.cost_tts") + sum("s.cost_stt") + sum("s.cost_telephony")
             + " from sessions s" + w.clause() + " group by 1, 2, 3, 4";
  auto rows
    = tx.exec_params(sql, pqxx::prepare::make_dynamic_params(w.params()));
  for (const auto& row : rows) {
    auto& t = groups[{row[0].as<std::string>(), row[1].as<std::size_t>()}];
    auto n = row[4].as<std::int64_t>();
    auto at = [&](int i) { return row[i].as<std::int64_t>(); };
    t.sessions += n;
    t.by_status[row[2].as<std::string>()] += n;
    auto reason = row[3].as<std::string>();
    if (!reason.empty())
      t.by_end_reason[reason] += n;
    t.success += at(5);
    t.failure += at(6);
    t.unknown_outcome += n - at(5) - at(6);
    t.sentiment_positive += at(7);
    t.sentiment_neutral += at(8);
    t.sentiment_negative += at(9);
    t.sentiment_unknown += n - at(7) - at(8) - at(9);
    t.duration_ms_sum += at(10);
    t.turns += at(11);
    t.interruptions += at(12);
    t.tool_calls += at(13);
    t.tool_errors += at(14);
    t.cost_total += at(15);
    t.cost_llm_prompt += at(16);
    t.cost_llm_completion += at(17);
    t.cost_llm_cached += at(18);
    t.cost_tts += at(19);
    t.cost_stt += at(20);
    t.cost_telephony += at(21);
  }
}

} // namespace

caf::expected<stats_result>
pg_store::sum_stats(const std::string& tenant_id,
                    const stats_request& request) {
  if (!request.filter.text.empty())
    return make_error(db_errc::invalid_argument,
                      "sum_stats: a transcript search is no analytics filter");
  time_span range{request.filter.started_from_us,
                  request.filter.started_to_us};
  std::vector<std::int64_t> interior;
  if (!request.boundaries.empty()) {
    if (request.boundaries.size() < 2)
      return make_error(db_errc::invalid_argument,
                        "sum_stats: boundaries need a start and an end");
    range = {request.boundaries.front(), request.boundaries.back()};
    interior.assign(request.boundaries.begin() + 1,
                    request.boundaries.end() - 1);
  }
  auto plan
    = detail::plan_stats(range, interior, pre_aggregable(request.filter));
  stats_result result;
  result.source = plan.tables ? stats_source::pre_aggregated
                              : stats_source::sessions;
  auto err = run("sum_stats", [&](pqxx::connection& conn) {
    group_map groups;
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx{conn};
    if (plan.tables)
      read_tables(tx, tenant_id, request, interior, plan, groups);
    for (const auto& span : plan.sessions)
      read_sessions(tx, tenant_id, request.filter, span, interior, groups);
    result.groups.clear();
    for (auto& [key, totals] : groups)
      result.groups.push_back({key.first, key.second, std::move(totals)});
    return caf::error{};
  });
  if (err)
    return err;
  return result;
}

caf::expected<std::vector<phrase_count>>
pg_store::top_phrases(const std::string& tenant_id,
                      const std::optional<std::int64_t>& from_day,
                      const std::optional<std::int64_t>& to_day,
                      const std::vector<std::string>& agent_ids,
                      std::size_t limit) {
  std::vector<phrase_count> out;
  auto err = run("top_phrases", [&](pqxx::connection& conn) {
    out.clear();
    where_builder w;
    w.require("tenant_id = " + w.param(tenant_id));
    w.any_of("agent_id", agent_ids);
    auto day = [&](std::int64_t us) {
      return "(sb_us_to_ts(" + w.param(std::to_string(us))
             + "::bigint) at time zone 'UTC')::date";
    };
    if (from_day)
      w.require("day >= " + day(*from_day));
    if (to_day)
      w.require("day < " + day(*to_day));
    pqxx::nontransaction tx{conn};
    auto rows = tx.exec_params(
      "select phrase, sum(count)::bigint as n from top_phrases" + w.clause()
        + " group by phrase order by n desc, phrase limit "
        + std::to_string(limit),
      pqxx::prepare::make_dynamic_params(w.params()));
    for (const auto& row : rows)
      out.push_back({row[0].as<std::string>(), row[1].as<std::int64_t>()});
    return caf::error{};
  });
  if (err)
    return err;
  return out;
}

caf::expected<std::vector<tag_count>>
pg_store::count_tags(const std::string& tenant_id,
                     const conversation_filter& filter, std::size_t limit) {
  std::vector<tag_count> out;
  auto err = run("count_tags", [&](pqxx::connection& conn) {
    out.clear();
    where_builder w;
    detail::add_session_filters(w, tenant_id, filter);
    pqxx::nontransaction tx{conn};
    auto rows = tx.exec_params(
      "select tag, count(*)::bigint as n from sessions s "
      "cross join lateral unnest(s.tags) as t(tag)"
        + w.clause() + " group by tag order by n desc, tag limit "
        + std::to_string(limit),
      pqxx::prepare::make_dynamic_params(w.params()));
    for (const auto& row : rows)
      out.push_back({row[0].as<std::string>(), row[1].as<std::int64_t>()});
    return caf::error{};
  });
  if (err)
    return err;
  return out;
}

caf::expected<std::vector<checkpoint_row>> pg_store::list_checkpoints() {
  return db::list_checkpoints(session_);
}

} // namespace sb::db
