#include "http/conversation_list.hpp"

#include "http/conversation_handlers.hpp"
#include "http/page_cursor.hpp"
#include "http/read_request.hpp"

#include "switchboard/events/event.hpp"

#include <algorithm>

namespace sb::app::http {

namespace {

constexpr std::int64_t max_limit = 200;
constexpr std::int64_t default_limit = 50;
/// Longer searches are not a transcript search but an accident.
constexpr std::size_t max_search_bytes = 500;

const char* sort_name(db::conversation_sort s) {
  switch (s) {
    case db::conversation_sort::started_at:
      return "started_at";
    case db::conversation_sort::duration_ms:
      return "duration_ms";
    case db::conversation_sort::cost:
      return "cost";
    case db::conversation_sort::latency_p95_ms:
      return "latency_p95_ms";
  }
  return "started_at";
}

db::conversation_sort sort_of(const std::string& name) {
  if (name == "duration_ms")
    return db::conversation_sort::duration_ms;
  if (name == "cost")
    return db::conversation_sort::cost;
  if (name == "latency_p95_ms")
    return db::conversation_sort::latency_p95_ms;
  return db::conversation_sort::started_at;
}

template <class T>
nlohmann::json or_null(const std::optional<T>& v) {
  if (!v)
    return nullptr;
  return *v;
}

/// The request a cursor continues, written one fixed way, so the same
/// filters in another order or spelling fingerprint the same.
std::string canonical(const db::conversation_query& q) {
  auto j = canonical_filter(q.filter);
  j["q"] = q.filter.text;
  j["sort"] = sort_name(q.sort);
  j["order"] = q.ascending ? "asc" : "desc";
  return j.dump();
}

nlohmann::json position_json(const db::session_record& last,
                             db::conversation_sort sort) {
  return {{"v", db::sort_value(last, sort)},
          {"t", last.started_at},
          {"i", last.id}};
}

std::optional<db::conversation_position>
position_of(const nlohmann::json& p) {
  if (!p.is_object() || !p.contains("v") || !p["v"].is_number()
      || !p.contains("t") || !p["t"].is_number_integer() || !p.contains("i")
      || !p["i"].is_string())
    return std::nullopt;
  return db::conversation_position{p["v"].get<double>(),
                                   p["t"].get<std::int64_t>(),
                                   p["i"].get<std::string>()};
}

reply cursor_error(cursor_fault fault) {
  const char* why
    = fault == cursor_fault::other_request
        ? "'cursor' belongs to a request with other filters or another "
          "order; send the same filters, sort and order as the first page"
      : fault == cursor_fault::tampered
        ? "'cursor' was altered; pass next_cursor exactly as it was given"
        : "'cursor' is not a cursor this API gave out";
  return error_reply(400, "invalid_parameter", why,
                     {{"parameter", "cursor"}});
}

/// Whether the search text holds a word at all (an empty tsquery would
/// match nothing, silently).
bool has_word(const std::string& q) {
  return std::any_of(q.begin(), q.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
           || (c >= 'A' && c <= 'Z');
  });
}

} // namespace

db::conversation_filter read_conversation_filter(param_reader& r) {
  db::conversation_filter f;
  f.started_from_us = r.instant("from");
  f.started_to_us = r.instant("to");
  if (f.started_from_us && f.started_to_us
      && *f.started_from_us >= *f.started_to_us)
    r.fail("to", "'to' must be later than 'from'");
  f.agent_ids = r.list("agent_id");
  f.statuses = r.choices("status", {"queued", "ringing", "active", "completed",
                                    "failed", "declined", "missed"});
  f.end_reason = r.text("end_reason");
  f.direction = r.choice("direction", {"inbound", "outbound", "web"});
  f.language = r.text("language", 35);
  f.campaign = r.text("campaign_id");
  f.provider = r.text("provider");
  f.success = r.choice("success", {"success", "failure", "unknown"});
  f.sentiment
    = r.choice("sentiment", {"positive", "neutral", "negative", "unknown"});
  f.tag = r.text("tag");
  f.tool = r.text("tool");
  f.has_error = r.boolean("has_error");
  constexpr std::int64_t day_ms = 86'400'000;
  f.min_duration_ms = r.integer("min_duration_ms", 0, 365 * day_ms);
  f.max_duration_ms = r.integer("max_duration_ms", 0, 365 * day_ms);
  if (f.min_duration_ms && f.max_duration_ms
      && *f.min_duration_ms > *f.max_duration_ms)
    r.fail("max_duration_ms", "'max_duration_ms' must not be below "
                              "'min_duration_ms'");
  f.min_cost_micros = r.usd_micros("min_cost");
  f.max_cost_micros = r.usd_micros("max_cost");
  if (f.min_cost_micros && f.max_cost_micros
      && *f.min_cost_micros > *f.max_cost_micros)
    r.fail("max_cost", "'max_cost' must not be below 'min_cost'");
  f.min_latency_p95_ms = r.number("min_latency_p95_ms");
  return f;
}

std::string read_search(param_reader& r) {
  auto text = r.text("q", max_search_bytes);
  if (!text)
    return {};
  if (!has_word(*text))
    r.fail("q", "'q' must hold at least one word");
  return std::move(*text);
}

nlohmann::json canonical_filter(const db::conversation_filter& f) {
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  return {
    {"from", or_null(f.started_from_us)},
    {"to", or_null(f.started_to_us)},
    {"agent_id", sorted(f.agent_ids)},
    {"status", sorted(f.statuses)},
    {"end_reason", or_null(f.end_reason)},
    {"direction", or_null(f.direction)},
    {"language", or_null(f.language)},
    {"campaign_id", or_null(f.campaign)},
    {"provider", or_null(f.provider)},
    {"success", or_null(f.success)},
    {"sentiment", or_null(f.sentiment)},
    {"tag", or_null(f.tag)},
    {"tool", or_null(f.tool)},
    {"has_error", or_null(f.has_error)},
    {"min_duration_ms", or_null(f.min_duration_ms)},
    {"max_duration_ms", or_null(f.max_duration_ms)},
    {"min_cost", or_null(f.min_cost_micros)},
    {"max_cost", or_null(f.max_cost_micros)},
    {"min_latency_p95_ms", or_null(f.min_latency_p95_ms)},
  };
}

reply handle_conversation_list(api_context& ctx, const request_view& req) {
  auto in = admit_read(ctx, req);
  if (in.refusal)
    return std::move(*in.refusal);
  param_reader r{in.params};
  db::conversation_query q;
  q.filter = read_conversation_filter(r);
  q.filter.text = read_search(r);
  q.sort = sort_of(
    r.choice("sort", {"started_at", "duration_ms", "cost", "latency_p95_ms"})
      .value_or("started_at"));
  q.ascending = r.choice("order", {"asc", "desc"}).value_or("desc") == "asc";
  q.limit = static_cast<std::size_t>(
    r.integer("limit", 1, max_limit).value_or(default_limit));
  q.include_total = r.boolean("include_total").value_or(false);
  auto cursor = r.text("cursor", 4096);
  if (auto refused = r.refusal())
    return std::move(*refused);

  caf::error err;
  auto store = ctx.stores.acquire(err);
  if (!store)
    return store_error_reply(err);
  auto secret = ctx.cursor_secret.get(store, err);
  if (!secret)
    return store_error_reply(err);
  auto request_id = request_fingerprint(canonical(q));
  if (cursor) {
    auto decoded = decode_cursor(*cursor, request_id, *secret);
    if (!decoded.position)
      return cursor_error(decoded.fault);
    q.after = position_of(*decoded.position);
    if (!q.after)
      return cursor_error(cursor_fault::malformed);
  }

  auto page = store->list_conversations(in.who.tenant_id, q);
  if (!page)
    return failed_store_call(store, page.error());
  auto items = nlohmann::json::array();
  for (const auto& s : page->items)
    items.push_back(conversation_json(s));
  reply out;
  out.body = {{"items", std::move(items)},
              {"has_more", page->has_more},
              {"next_cursor", nullptr}};
  if (page->has_more)
    out.body["next_cursor"] = encode_cursor(
      position_json(page->items.back(), q.sort), request_id, *secret);
  if (page->total)
    out.body["total"] = *page->total;
  return out;
}

} // namespace sb::app::http
