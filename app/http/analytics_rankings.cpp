// GET /v1/analytics/tags (the filtered calls' tags, counted over sessions)
// and GET /v1/analytics/top-phrases (what callers said most, from the
// top_phrases table, kept per UTC day: the range is widened to whole days).

#include "http/analytics_answer.hpp"
#include "http/analytics_handlers.hpp"
#include "http/analytics_json.hpp"
#include "http/conversation_list.hpp"
#include "http/param_reader.hpp"
#include "http/read_request.hpp"

#include <algorithm>

namespace sb::app::http {

namespace {

constexpr std::int64_t max_items = 100;
constexpr std::int64_t default_items = 20;
constexpr std::int64_t day_us = 86'400'000'000;

std::int64_t floor_day(std::int64_t us) {
  auto r = us % day_us;
  return us - (r < 0 ? r + day_us : r);
}

} // namespace

reply handle_analytics_tags(api_context& ctx, const request_view& req) {
  auto in = admit_read(ctx, req);
  if (in.refusal)
    return std::move(*in.refusal);
  param_reader r{in.params};
  auto filter = read_conversation_filter(r);
  auto limit = r.integer("limit", 1, max_items).value_or(default_items);
  if (auto refused = r.refusal())
    return std::move(*refused);
  auto key = canonical_filter(filter);
  key["limit"] = limit;
  return answer_analytics(
    ctx, in.who.tenant_id, "tags", key.dump(),
    [&](db::store& store) -> caf::expected<nlohmann::json> {
      auto tags = store.count_tags(in.who.tenant_id, filter,
                                   static_cast<std::size_t>(limit));
      if (!tags)
        return tags.error();
      auto items = nlohmann::json::array();
      for (const auto& t : *tags)
        items.push_back({{"tag", t.tag}, {"count", t.count}});
      return nlohmann::json{{"from", range_bound(filter.started_from_us)},
                            {"to", range_bound(filter.started_to_us)},
                            {"items", std::move(items)}};
    });
}

reply handle_analytics_top_phrases(api_context& ctx,
                                   const request_view& req) {
  auto in = admit_read(ctx, req);
  if (in.refusal)
    return std::move(*in.refusal);
  param_reader r{in.params};
  auto from = r.instant("from");
  auto to = r.instant("to");
  if (from && to && *from >= *to)
    r.fail("to", "'to' must be later than 'from'");
  auto agents = r.list("agent_id");
  auto limit = r.integer("limit", 1, max_items).value_or(default_items);
  if (auto refused = r.refusal())
    return std::move(*refused);
  // Whole UTC days: from back to its midnight, to on to the next one.
  if (from)
    from = floor_day(*from);
  if (to) {
    auto day = floor_day(*to);
    to = day == *to ? day : day + day_us;
  }
  std::sort(agents.begin(), agents.end());
  nlohmann::json key{{"from", range_bound(from)},
                     {"to", range_bound(to)},
                     {"agent_id", agents},
                     {"limit", limit}};
  return answer_analytics(
    ctx, in.who.tenant_id, "top_phrases", key.dump(),
    [&](db::store& store) -> caf::expected<nlohmann::json> {
      auto phrases = store.top_phrases(in.who.tenant_id, from, to, agents,
                                       static_cast<std::size_t>(limit));
      if (!phrases)
        return phrases.error();
      auto items = nlohmann::json::array();
      for (const auto& p : *phrases)
        items.push_back({{"phrase", p.phrase}, {"count", p.count}});
      return nlohmann::json{{"from", range_bound(from)},
                            {"to", range_bound(to)},
                            {"items", std::move(items)}};
    });
}

} // namespace sb::app::http
