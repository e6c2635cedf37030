// GET /v1/analytics/latency: percentiles of user-to-bot latency and of each
// service's time to first byte, overall and per agent, estimated from the
// agent_stats histograms (fixed buckets, analysis/latency_histogram.hpp).
// Histograms exist per UTC hour, so the range is widened to whole hours
// and only the tables' dimensions filter (time, agent, direction,
// language). TTFBs measured while the user interrupted are counted apart,
// never in the percentiles.

#include "http/analytics_answer.hpp"
#include "http/analytics_handlers.hpp"
#include "http/analytics_json.hpp"
#include "http/param_reader.hpp"
#include "http/read_request.hpp"

#include "switchboard/analysis/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace sb::app::http {

namespace {

constexpr std::int64_t hour_us = 3'600'000'000;

static_assert(std::tuple_size<decltype(db::latency_counts::counts)>::value
                == analysis::bucket_count,
              "stored histograms have the analysis library's buckets");

std::int64_t floor_hour(std::int64_t us) {
  auto r = us % hour_us;
  return us - (r < 0 ? r + hour_us : r);
}

/// ms to the µs: the estimate is no finer, and 805.0000000000001 is noise.
double rounded_ms(double ms) {
  return std::round(ms * 1000.0) / 1000.0;
}

nlohmann::json quantile_json(const db::latency_counts& h, double q) {
  auto v = analysis::quantile(h.counts, q);
  if (!v)
    return nullptr;
  return rounded_ms(*v);
}

nlohmann::json metric_json(const db::latency_counts& h) {
  return {{"count", h.count},
          {"mean_ms", h.count == 0
                        ? nlohmann::json(nullptr)
                        : nlohmann::json(rounded_ms(
                          static_cast<double>(h.sum_us) / 1000.0
                          / static_cast<double>(h.count)))},
          {"p50", quantile_json(h, 0.50)},
          {"p90", quantile_json(h, 0.90)},
          {"p95", quantile_json(h, 0.95)},
          {"p99", quantile_json(h, 0.99)}};
}

nlohmann::json latencies_json(const db::stats_totals& t) {
  return {{"user_to_bot", metric_json(t.user_to_bot)},
          {"stt_ttfb", metric_json(t.stt_ttfb)},
          {"llm_ttfb", metric_json(t.llm_ttfb)},
          {"tts_ttfb", metric_json(t.tts_ttfb)},
          {"ttfb_during_interruption", t.ttfb_interrupted}};
}

} // namespace

reply handle_analytics_latency(api_context& ctx, const request_view& req) {
  auto in = admit_read(ctx, req);
  if (in.refusal)
    return std::move(*in.refusal);
  param_reader r{in.params};
  db::stats_request q;
  q.histograms = true;
  auto& f = q.filter;
  f.started_from_us = r.instant("from");
  f.started_to_us = r.instant("to");
  if (f.started_from_us && f.started_to_us
      && *f.started_from_us >= *f.started_to_us)
    r.fail("to", "'to' must be later than 'from'");
  f.agent_ids = r.list("agent_id");
  f.direction = r.choice("direction", {"inbound", "outbound", "web"});
  f.language = r.text("language", 35);
  if (!in.params.empty() && !r.failure()) {
    const auto& name = in.params.front().first;
    return error_reply(400, "unknown_parameter",
                       "'" + name
                         + "' does not filter latency: its histograms are "
                           "kept per hour, agent, direction and language "
                           "only (from, to, agent_id, direction, language)",
                       {{"parameter", name}});
  }
  if (auto refused = r.refusal())
    return std::move(*refused);
  // Whole hours: from back to its hour, to on to the end of its hour.
  if (f.started_from_us)
    f.started_from_us = floor_hour(*f.started_from_us);
  if (f.started_to_us) {
    auto end = floor_hour(*f.started_to_us);
    f.started_to_us = end == *f.started_to_us ? end : end + hour_us;
  }
  auto agents_key = f.agent_ids;
  std::sort(agents_key.begin(), agents_key.end());
  nlohmann::json key{{"from", range_bound(f.started_from_us)},
                     {"to", range_bound(f.started_to_us)},
                     {"agent_id", agents_key},
                     {"direction", f.direction.value_or("")},
                     {"language", f.language.value_or("")}};
  return answer_analytics(
    ctx, in.who.tenant_id, "latency", key.dump(),
    [&](db::store& store) -> caf::expected<nlohmann::json> {
      auto result = store.sum_stats(in.who.tenant_id, q);
      if (!result)
        return result.error();
      auto sums = sum_by_agent(*result);
      auto agents = nlohmann::json::array();
      for (const auto& [agent, t] : sums.by_agent) {
        auto row = latencies_json(t);
        row["agent_id"] = agent;
        agents.push_back(std::move(row));
      }
      return nlohmann::json{{"from", range_bound(f.started_from_us)},
                            {"to", range_bound(f.started_to_us)},
                            {"overall", latencies_json(sums.all)},
                            {"by_agent", std::move(agents)}};
    });
}

} // namespace sb::app::http
