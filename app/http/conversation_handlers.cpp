#include "http/conversation_handlers.hpp"

#include "http/json_values.hpp"
#include "http/param_reader.hpp"
#include "http/read_request.hpp"

#include <optional>

namespace sb::app::http {

namespace {

nlohmann::json string_or_null(const std::string& s) {
  if (s.empty())
    return nullptr;
  return s;
}

/// Authentication and the query check (these routes take no parameters).
std::optional<reply> admit(api_context& ctx, const request_view& req,
                           db::principal& who) {
  auto in = admit_read(ctx, req);
  if (in.refusal)
    return std::move(in.refusal);
  if (auto unknown = reject_unknown(in.params))
    return unknown;
  who = std::move(in.who);
  return std::nullopt;
}

reply not_found(const std::string& id) {
  return error_reply(404, "not_found", "no conversation '" + id + "'");
}

} // namespace

namespace {

nlohmann::json latency_or_null(double ms) {
  if (ms < 0)
    return nullptr;
  return ms;
}

} // namespace

nlohmann::json conversation_json(const db::session_record& s) {
  return {
    {"id", s.id},
    {"tenant_id", s.tenant_id},
    {"agent_id", s.agent_id},
    {"status", s.status},
    {"end_reason", string_or_null(s.end_reason)},
    {"direction", string_or_null(s.direction)},
    {"provider", string_or_null(s.provider)},
    {"campaign_id", string_or_null(s.campaign)},
    {"language", string_or_null(s.language)},
    {"started_at", json_time(s.started_at)},
    {"answered_at", json_time(s.answered_at)},
    {"ended_at", json_time(s.ended_at)},
    // Unknown until the call has ended.
    {"duration_ms",
     s.ended_at == 0 ? nlohmann::json{} : nlohmann::json(s.duration_ms)},
    {"turn_count", s.turn_count},
    {"first_user_text", string_or_null(s.first_user_text)},
    {"first_agent_text", string_or_null(s.first_agent_text)},
    {"interruptions", s.interruptions},
    {"errors", s.error_count},
    {"tool_calls", s.tool_calls},
    {"tool_errors", s.tool_errors},
    // USD; the components add up to the total (each rounded to 1e-6 once).
    {"cost",
     {{"total", json_usd(s.cost_total)},
      {"currency", "USD"},
      {"llm_prompt", json_usd(s.cost_llm_prompt)},
      {"llm_completion", json_usd(s.cost_llm_completion)},
      {"llm_cached", json_usd(s.cost_llm_cached)},
      {"tts", json_usd(s.cost_tts)},
      {"stt", json_usd(s.cost_stt)},
      {"telephony", json_usd(s.cost_telephony)}}},
    {"sentiment", s.sentiment},
    {"tags", s.tags},
    {"main_request", string_or_null(s.main_request)},
    {"summary", string_or_null(s.summary)},
    {"success", s.success},
    {"latency",
     {{"user_to_bot_p50_ms", latency_or_null(s.latency_p50_ms)},
      {"user_to_bot_p95_ms", latency_or_null(s.latency_p95_ms)}}},
    {"rules_version", s.rules_version},
  };
}

nlohmann::json turn_json(const db::turn_record& t) {
  return {
    {"turn", t.turn},
    {"speaker", t.speaker},
    {"text", t.text},
    {"started_at", json_time(t.started_at)},
    {"ended_at", json_time(t.ended_at)},
    {"interrupted", t.interrupted},
  };
}

namespace {

/// Admits the caller and finds conversation `req.id` in the caller's tenant,
/// then answers with `then(who, store, session)`; otherwise answers why not
/// (unauthorized, store unavailable, not found).
template <class Then>
reply with_conversation(api_context& ctx, const request_view& req,
                        Then&& then) {
  db::principal who;
  if (auto bad = admit(ctx, req, who))
    return std::move(*bad);
  caf::error err;
  auto store = ctx.stores.acquire(err);
  if (!store)
    return store_error_reply(err);
  auto found = store->find_session(who.tenant_id, req.id);
  if (!found)
    return failed_store_call(store, found.error());
  if (!*found)
    return not_found(req.id);
  return then(who, store, **found);
}

} // namespace

reply handle_conversation(api_context& ctx, const request_view& req) {
  return with_conversation(
    ctx, req,
    [](const db::principal&, store_lease&, const db::session_record& found) {
      reply r;
      r.body = conversation_json(found);
      return r;
    });
}

reply handle_transcript(api_context& ctx, const request_view& req) {
  return with_conversation(
    ctx, req,
    [&req](const db::principal& who, store_lease& store,
           const db::session_record&) {
      auto turns = store->transcript(who.tenant_id, req.id);
      if (!turns)
        return failed_store_call(store, turns.error());
      auto items = nlohmann::json::array();
      for (const auto& t : *turns)
        items.push_back(turn_json(t));
      reply r;
      r.body = {{"items", std::move(items)}};
      return r;
    });
}

nlohmann::json trace_json(const db::trace_record& t) {
  auto data = nlohmann::json::parse(t.payload, nullptr, false);
  if (data.is_discarded())
    data = t.payload; // written by the projection as JSON; never expected
  return {{"seq", t.seq},
          {"type", t.type},
          {"at", json_time(t.at)},
          {"turn", t.turn == 0 ? nlohmann::json(nullptr)
                               : nlohmann::json(t.turn)},
          {"data", std::move(data)}};
}

reply handle_trace(api_context& ctx, const request_view& req) {
  return with_conversation(
    ctx, req,
    [&req](const db::principal& who, store_lease& store,
           const db::session_record& found) {
      auto rows = store->call_trace(who.tenant_id, req.id, found.started_at);
      if (!rows)
        return failed_store_call(store, rows.error());
      auto items = nlohmann::json::array();
      for (const auto& t : *rows)
        items.push_back(trace_json(t));
      reply r;
      r.body = {{"items", std::move(items)}};
      return r;
    });
}

reply handle_audio(api_context& ctx, const request_view& req) {
  return with_conversation(
    ctx, req,
    [&req](const db::principal& who, store_lease& store,
           const db::session_record& found) {
      auto rows = store->call_trace(who.tenant_id, req.id, found.started_at);
      if (!rows)
        return failed_store_call(store, rows.error());
      // The last recording reported wins (a provider may send a better one).
      const db::trace_record* recording = nullptr;
      for (const auto& t : *rows)
        if (t.type == "recording")
          recording = &t;
      if (recording == nullptr)
        return error_reply(404, "no_recording",
                           "conversation '" + req.id
                             + "' has no recording: none was reported for it "
                               "(a recording_available event)");
      auto data = trace_json(*recording)["data"];
      reply r;
      r.body = {{"url", data.value("url", "")},
                {"reported_at", json_time(recording->at)}};
      return r;
    });
}

} // namespace sb::app::http
