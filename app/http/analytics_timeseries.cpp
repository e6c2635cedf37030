// GET /v1/analytics/timeseries: the filtered calls per local hour or day
// of a time zone (`tz`: an IANA name or an offset), every bucket of the
// range present, empty ones as zeros. Hour-aligned buckets (UTC, whole-
// hour zones) come from the hourly table (UTC days from the daily one);
// buckets off the hour (+05:30) are counted over sessions.

#include "http/analytics_answer.hpp"
#include "http/analytics_handlers.hpp"
#include "http/analytics_json.hpp"
#include "http/conversation_list.hpp"
#include "http/json_values.hpp"
#include "http/param_reader.hpp"
#include "http/read_request.hpp"

#include "switchboard/events/time_zone.hpp"

#include <chrono>

namespace sb::app::http {

namespace {

constexpr std::size_t max_buckets = 2000;
constexpr std::int64_t hour_us = 3'600'000'000;

std::int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch())
    .count();
}

/// The bucket starts from the one holding `from` to the end of the one
/// holding the last instant before `to`; empty if more than max_buckets.
std::vector<std::int64_t> bucket_bounds(const time_zone& zone,
                                        calendar_unit unit, std::int64_t from,
                                        std::int64_t to) {
  std::vector<std::int64_t> out{zone.floor(from, unit)};
  while (out.back() < to) {
    if (out.size() > max_buckets)
      return {};
    out.push_back(zone.next(out.back(), unit));
  }
  return out;
}

nlohmann::json series_json(const time_zone& zone,
                           const std::vector<std::int64_t>& bounds,
                           const db::stats_result& result) {
  std::vector<db::stats_totals> buckets(bounds.size() - 1);
  for (const auto& g : result.groups)
    if (g.bucket < buckets.size())
      buckets[g.bucket].add(g.totals);
  auto items = nlohmann::json::array();
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    const auto& t = buckets[i];
    items.push_back({{"start", zone.format(bounds[i])},
                     {"end", zone.format(bounds[i + 1])},
                     {"sessions", t.sessions},
                     {"by_status", t.by_status},
                     {"success_rate", success_rate(t)},
                     {"avg_duration_ms", avg_duration_ms(t)},
                     {"cost", json_usd(t.cost_total)}});
  }
  return {{"source", source_name(result.source)},
          {"items", std::move(items)}};
}

} // namespace

reply handle_analytics_timeseries(api_context& ctx, const request_view& req) {
  auto in = admit_read(ctx, req);
  if (in.refusal)
    return std::move(*in.refusal);
  param_reader r{in.params};
  db::stats_request q;
  q.filter = read_conversation_filter(r);
  auto bucket = r.choice("bucket", {"hour", "day"}).value_or("hour");
  auto unit = bucket == "day" ? calendar_unit::day : calendar_unit::hour;
  auto tz_name = r.text("tz", 64).value_or("UTC");
  auto zone = time_zone::find(tz_name);
  if (!zone)
    r.fail("tz", "'tz' must be an IANA time zone such as Europe/Paris, UTC, "
                 "or an offset such as +05:30");
  if (auto refused = r.refusal())
    return std::move(*refused);
  // Defaults: the last 24 hours by hour, the last 30 days by day.
  auto to = q.filter.started_to_us.value_or(now_us());
  auto span = unit == calendar_unit::day ? 30 * 24 * hour_us : 24 * hour_us;
  auto from = q.filter.started_from_us.value_or(to - span);
  if (from >= to)
    return error_reply(400, "invalid_parameter",
                       "'from' must be earlier than 'to'",
                       {{"parameter", "from"}});
  q.boundaries = bucket_bounds(*zone, unit, from, to);
  if (q.boundaries.empty())
    return error_reply(400, "invalid_parameter",
                       "at most 2000 buckets: narrow 'from' and 'to', or use "
                       "bucket=day",
                       {{"parameter", "from"}});
  q.filter.started_from_us.reset();
  q.filter.started_to_us.reset();
  auto key = canonical_filter(q.filter);
  key["bucket"] = bucket;
  key["tz"] = zone->name();
  key["bounds"] = {q.boundaries.front(), q.boundaries.back()};
  return answer_analytics(
    ctx, in.who.tenant_id, "timeseries", key.dump(),
    [&](db::store& store) -> caf::expected<nlohmann::json> {
      auto result = store.sum_stats(in.who.tenant_id, q);
      if (!result)
        return result.error();
      auto out = series_json(*zone, q.boundaries, *result);
      out["bucket"] = bucket;
      out["tz"] = zone->name();
      out["from"] = zone->format(q.boundaries.front());
      out["to"] = zone->format(q.boundaries.back());
      return out;
    });
}

} // namespace sb::app::http
