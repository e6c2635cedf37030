#pragma once

// GET /v1/analytics/...: the caller's tenant's calls summed and ranked,
// read from the pre-aggregated tables where the filters allow and cached
// until the projections move (analytics_answer.hpp). README "Analytics"
// lists the parameters; every bad value is a 400 naming the parameter.

#include "http/api_context.hpp"
#include "http/reply.hpp"
#include "http/request.hpp"

namespace sb::app::http {

/// Totals, per status, end reason, cost component and agent.
[[nodiscard]] reply handle_analytics_summary(api_context& ctx,
                                             const request_view& req);

/// Sessions, statuses, average duration and cost per local hour or day.
[[nodiscard]] reply handle_analytics_timeseries(api_context& ctx,
                                                const request_view& req);

/// p50/p90/p95/p99 of user-to-bot latency and each service's TTFB.
[[nodiscard]] reply handle_analytics_latency(api_context& ctx,
                                             const request_view& req);

/// Calls per sentiment, overall and per agent.
[[nodiscard]] reply handle_analytics_sentiment(api_context& ctx,
                                               const request_view& req);

/// The most frequent tags of the filtered calls.
[[nodiscard]] reply handle_analytics_tags(api_context& ctx,
                                          const request_view& req);

/// The phrases callers said most, per UTC day.
[[nodiscard]] reply handle_analytics_top_phrases(api_context& ctx,
                                                 const request_view& req);

} // namespace sb::app::http
