#include "http/conversation_export.hpp"

#include "http/conversation_handlers.hpp"
#include "http/conversation_list.hpp"
#include "http/param_reader.hpp"
#include "http/read_request.hpp"

#include "switchboard/events/calendar.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <memory>

namespace sb::app::http {

namespace {

constexpr std::size_t page_rows = 1000;
/// Rows are sent in chunks of about this size.
constexpr std::size_t chunk_bytes = 64 * 1024;

void append_text(std::string& out, const std::string& v) {
  bool formula = !v.empty()
                 && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@'
                     || v[0] == '\t' || v[0] == '\r');
  bool quote = formula || v.find_first_of(",\"\r\n") != std::string::npos;
  if (!quote) {
    out += v;
    return;
  }
  out += '"';
  if (formula)
    out += '\'';
  for (char c : v) {
    if (c == '"')
      out += '"';
    out += c;
  }
  out += '"';
}

void append_int(std::string& out, std::int64_t v) {
  out += std::to_string(v);
}

void append_time(std::string& out, std::int64_t us) {
  if (us != 0)
    out += format_iso8601_ms(us);
}

void append_usd(std::string& out, std::int64_t micros) {
  // Exact: micro-USD as a decimal with six places.
  auto sign = micros < 0 ? "-" : "";
  auto abs = micros < 0 ? -micros : micros;
  auto frac = std::to_string(abs % 1'000'000);
  out += sign + std::to_string(abs / 1'000'000) + "."
         + std::string(6 - frac.size(), '0') + frac;
}

void append_latency(std::string& out, double ms) {
  if (ms < 0)
    return;
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, ms);
  (void)ec;
  out.append(buf, end);
}

std::string joined_tags(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags)
    out += (out.empty() ? "" : ";") + t;
  return out;
}

} // namespace

const std::string& csv_header() {
  static const std::string header
    = "id,agent_id,status,end_reason,direction,provider,campaign_id,"
      "language,started_at,answered_at,ended_at,duration_ms,turn_count,"
      "interruptions,errors,tool_calls,tool_errors,cost_usd,"
      "cost_llm_prompt_usd,cost_llm_completion_usd,cost_llm_cached_usd,"
      "cost_tts_usd,cost_stt_usd,cost_telephony_usd,sentiment,success,tags,"
      "latency_p50_ms,latency_p95_ms,main_request,summary\r\n";
  return header;
}

void append_csv_row(std::string& out, const db::session_record& s) {
  auto sep = [&out] { out += ','; };
  append_text(out, s.id), sep();
  append_text(out, s.agent_id), sep();
  append_text(out, s.status), sep();
  append_text(out, s.end_reason), sep();
  append_text(out, s.direction), sep();
  append_text(out, s.provider), sep();
  append_text(out, s.campaign), sep();
  append_text(out, s.language), sep();
  append_time(out, s.started_at), sep();
  append_time(out, s.answered_at), sep();
  append_time(out, s.ended_at), sep();
  if (s.ended_at != 0)
    append_int(out, s.duration_ms);
  sep();
  append_int(out, s.turn_count), sep();
  append_int(out, s.interruptions), sep();
  append_int(out, s.error_count), sep();
  append_int(out, s.tool_calls), sep();
  append_int(out, s.tool_errors), sep();
  append_usd(out, s.cost_total), sep();
  append_usd(out, s.cost_llm_prompt), sep();
  append_usd(out, s.cost_llm_completion), sep();
  append_usd(out, s.cost_llm_cached), sep();
  append_usd(out, s.cost_tts), sep();
  append_usd(out, s.cost_stt), sep();
  append_usd(out, s.cost_telephony), sep();
  append_text(out, s.sentiment), sep();
  append_text(out, s.success), sep();
  append_text(out, joined_tags(s.tags)), sep();
  append_latency(out, s.latency_p50_ms), sep();
  append_latency(out, s.latency_p95_ms), sep();
  append_text(out, s.main_request), sep();
  append_text(out, s.summary);
  out += "\r\n";
}

reply handle_conversation_export(api_context& ctx, const request_view& req) {
  auto in = admit_read(ctx, req);
  if (in.refusal)
    return std::move(*in.refusal);
  param_reader r{in.params};
  auto csv = r.choice("format", {"csv", "ndjson"}).value_or("csv") == "csv";
  db::conversation_query q;
  q.filter = read_conversation_filter(r);
  q.filter.text = read_search(r);
  q.limit = page_rows;
  if (auto refused = r.refusal())
    return std::move(*refused);

  // The first page here, on the worker: a database that is down is a 503,
  // not a 200 cut off at once.
  caf::error err;
  auto store = std::make_shared<store_lease>(ctx.stores.acquire(err));
  if (!*store)
    return store_error_reply(err);
  auto first = (*store)->list_conversations(in.who.tenant_id, q);
  if (!first)
    return failed_store_call(*store, first.error());
  reply out;
  out.content_type = csv ? "text/csv; charset=utf-8" : "application/x-ndjson";
  out.headers.emplace_back("Content-Disposition",
                           std::string{"attachment; filename=\"conversations."}
                             + (csv ? "csv" : "ndjson") + "\"");
  auto page = std::make_shared<db::conversation_page>(std::move(*first));
  out.stream = [store, page, q, csv,
                tenant = in.who.tenant_id](chunk_sink& sink) mutable {
    std::string buf = csv ? csv_header() : std::string{};
    for (;;) {
      for (const auto& s : page->items) {
        if (csv)
          append_csv_row(buf, s);
        else
          buf += to_body(conversation_json(s)) + '\n';
        if (buf.size() >= chunk_bytes) {
          if (!sink.write(std::move(buf)))
            return false; // the client is gone
          buf.clear();
        }
      }
      if (!page->has_more)
        break;
      const auto& last = page->items.back();
      q.after = db::conversation_position{
        db::sort_value(last, q.sort), last.started_at, last.id};
      auto next = (*store)->list_conversations(tenant, q);
      if (!next) {
        store->observe(next.error());
        spdlog::error("api: export cut off: {}", to_string(next.error()));
        return false;
      }
      *page = std::move(*next);
    }
    return buf.empty() || sink.write(std::move(buf));
  };
  return out;
}

} // namespace sb::app::http
