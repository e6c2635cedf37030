#include "http/live_stream.hpp"

#include "http/active_conversations.hpp"
#include "http/live_hub.hpp"
#include "http/param_reader.hpp"
#include "http/read_request.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <optional>

namespace sb::app::http {

namespace {

using clock = std::chrono::steady_clock;

/// Live calls in the snapshot, at most (the count says how many exist).
constexpr std::size_t snapshot_calls = 1000;

std::string sse_event(const char* type, std::uint64_t id,
                      const std::string& data) {
  return "id: " + std::to_string(id) + "\nevent: " + type + "\ndata: " + data
         + "\n\n";
}

std::optional<std::uint64_t> parse_id(std::string_view s) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty())
    return std::nullopt;
  return v;
}

/// One stream's state, on its producer thread.
struct live_stream {
  api_context& ctx;
  live_hub& hub;
  std::string tenant;
  std::chrono::seconds heartbeat;
  std::uint64_t cursor = 0;

  /// The live calls as the table has them, and where the changes after
  /// them begin: the sessions projection's checkpoint (the table holds
  /// every event up to it). False if the database failed.
  bool send_snapshot(chunk_sink& sink) {
    caf::error err;
    auto store = ctx.stores.acquire(err);
    if (!store) {
      spdlog::warn("api: /v1/live snapshot: {}", to_string(err));
      return false;
    }
    auto checkpoints = store->list_checkpoints();
    if (!checkpoints) {
      store.observe(checkpoints.error());
      return false;
    }
    std::uint64_t applied = 0;
    for (const auto& c : *checkpoints)
      if (c.at.projection == "sessions")
        applied = c.at.position;
    auto live = store->list_active_calls(tenant, snapshot_calls);
    if (!live) {
      store.observe(live.error());
      return false;
    }
    // Changes older than the hub keeps are in neither (only right after
    // the node started, while the projection was behind).
    cursor = std::max(applied, hub.oldest_resumable());
    auto calls = nlohmann::json::array();
    for (const auto& c : live->items)
      calls.push_back(live_call_json(c));
    nlohmann::json data{{"calls", std::move(calls)}, {"count", live->count}};
    return sink.write(sse_event("snapshot", cursor, to_body(data)));
  }

  bool run(chunk_sink& sink, std::optional<std::uint64_t> resume) {
    // How long a client waits before reconnecting (EventSource's retry).
    if (!sink.write("retry: 2000\n\n"))
      return true;
    if (resume && *resume >= hub.oldest_resumable())
      cursor = *resume;
    else if (!send_snapshot(sink))
      return false;
    auto last_write = clock::now();
    for (;;) {
      auto b = hub.wait_after(tenant, cursor, std::chrono::seconds{1});
      if (!sink.open())
        return true; // the client is gone
      if (b.gap) {
        if (!sink.write("event: reset\ndata: {}\n\n") || !send_snapshot(sink))
          return false;
        last_write = clock::now();
        continue;
      }
      for (const auto& c : b.changes)
        if (!sink.write(sse_event(c.type.c_str(), c.id, c.data)))
          return true;
      cursor = b.through;
      if (!b.changes.empty()) {
        last_write = clock::now();
      } else if (clock::now() - last_write >= heartbeat) {
        // The id moves the client's Last-Event-ID on past the changes of
        // other tenants, so a reconnect scans from here.
        if (!sink.write(": heartbeat\nid: " + std::to_string(cursor) + "\n\n"))
          return true;
        last_write = clock::now();
      }
    }
  }
};

} // namespace

reply handle_live(api_context& ctx, const request_view& req) {
  auto in = admit_read(ctx, req);
  if (in.refusal)
    return std::move(*in.refusal);
  param_reader r{in.params};
  auto heartbeat = r.integer("heartbeat", 1, 300).value_or(15);
  auto from_query = r.text("last_event_id", 20);
  std::optional<std::uint64_t> resume;
  if (from_query) {
    resume = parse_id(*from_query);
    if (!resume)
      r.fail("last_event_id", "'last_event_id' must be an event id");
  } else if (!req.last_event_id.empty()) {
    resume = parse_id(req.last_event_id);
    if (!resume)
      return error_reply(400, "invalid_header",
                         "Last-Event-ID must be an event id this stream sent");
  }
  if (auto refused = r.refusal())
    return std::move(*refused);
  if (ctx.config.live == nullptr)
    return error_reply(503, "unavailable", "the live view is not running");

  reply out;
  out.content_type = "text/event-stream";
  out.headers.emplace_back("Cache-Control", "no-cache");
  out.headers.emplace_back("X-Accel-Buffering", "no"); // nginx: do not buffer
  out.stream = [&ctx, tenant = in.who.tenant_id, resume,
                heartbeat](chunk_sink& sink) {
    live_stream s{ctx, *ctx.config.live, tenant,
                  std::chrono::seconds{heartbeat}};
    return s.run(sink, resume);
  };
  return out;
}

} // namespace sb::app::http
