// GET /v1/analytics/summary and /v1/analytics/sentiment: the filtered
// calls summed over the whole range (the list's filters; no search, no
// paging).

#include "http/analytics_answer.hpp"
#include "http/analytics_handlers.hpp"
#include "http/analytics_json.hpp"
#include "http/conversation_list.hpp"
#include "http/json_values.hpp"
#include "http/param_reader.hpp"
#include "http/read_request.hpp"

namespace sb::app::http {

namespace {

std::int64_t count_of(const std::map<std::string, std::int64_t>& counts,
                      const char* name) {
  auto i = counts.find(name);
  return i == counts.end() ? 0 : i->second;
}

nlohmann::json summary_json(const db::conversation_filter& f,
                            const db::stats_result& result) {
  auto sums = sum_by_agent(result);
  const auto& all = sums.all;
  auto agents = nlohmann::json::array();
  for (const auto& [agent, t] : sums.by_agent)
    agents.push_back({{"agent_id", agent},
                      {"sessions", t.sessions},
                      {"completed", count_of(t.by_status, "completed")},
                      {"failed", count_of(t.by_status, "failed")},
                      {"avg_duration_ms", avg_duration_ms(t)},
                      {"success_rate", success_rate(t)},
                      {"cost", json_usd(t.cost_total)}});
  return {{"from", range_bound(f.started_from_us)},
          {"to", range_bound(f.started_to_us)},
          {"source", source_name(result.source)},
          {"total_sessions", all.sessions},
          {"by_status", all.by_status},
          {"by_end_reason", all.by_end_reason},
          {"success_rate", success_rate(all)},
          {"successful", all.success},
          {"unsuccessful", all.failure},
          {"avg_duration_ms", avg_duration_ms(all)},
          {"total_cost", json_usd(all.cost_total)},
          {"cost_by_component", cost_by_component(all)},
          {"turns", all.turns},
          {"interruptions", all.interruptions},
          {"tool_calls", all.tool_calls},
          {"tool_errors", all.tool_errors},
          {"by_agent", std::move(agents)}};
}

nlohmann::json sentiment_counts(const db::stats_totals& t) {
  return {{"positive", t.sentiment_positive},
          {"neutral", t.sentiment_neutral},
          {"negative", t.sentiment_negative},
          {"unknown", t.sentiment_unknown}};
}

nlohmann::json sentiment_json(const db::conversation_filter& f,
                              const db::stats_result& result) {
  auto sums = sum_by_agent(result);
  auto agents = nlohmann::json::array();
  for (const auto& [agent, t] : sums.by_agent) {
    auto row = sentiment_counts(t);
    row["agent_id"] = agent;
    row["sessions"] = t.sessions;
    agents.push_back(std::move(row));
  }
  auto out = sentiment_counts(sums.all);
  out["from"] = range_bound(f.started_from_us);
  out["to"] = range_bound(f.started_to_us);
  out["source"] = source_name(result.source);
  out["sessions"] = sums.all.sessions;
  out["by_agent"] = std::move(agents);
  return out;
}

using stats_renderer = nlohmann::json (*)(const db::conversation_filter&,
                                          const db::stats_result&);

/// Both endpoints: the list's filters, the whole range summed.
reply answer_totals(api_context& ctx, const request_view& req,
                    std::string_view endpoint, stats_renderer render) {
  auto in = admit_read(ctx, req);
  if (in.refusal)
    return std::move(*in.refusal);
  param_reader r{in.params};
  db::stats_request q;
  q.filter = read_conversation_filter(r);
  if (auto refused = r.refusal())
    return std::move(*refused);
  return answer_analytics(
    ctx, in.who.tenant_id, endpoint, canonical_filter(q.filter).dump(),
    [&](db::store& store) -> caf::expected<nlohmann::json> {
      auto result = store.sum_stats(in.who.tenant_id, q);
      if (!result)
        return result.error();
      return render(q.filter, *result);
    });
}

} // namespace

reply handle_analytics_summary(api_context& ctx, const request_view& req) {
  return answer_totals(ctx, req, "summary", summary_json);
}

reply handle_analytics_sentiment(api_context& ctx, const request_view& req) {
  return answer_totals(ctx, req, "sentiment", sentiment_json);
}

} // namespace sb::app::http
