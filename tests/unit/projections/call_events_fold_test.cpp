// The call_events projection's fold: a call's debug trace, one row per
// notable event, each written once.

#include "switchboard/projections/call_events_fold.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using namespace sb;
using nlohmann::json;

namespace {

constexpr time_us t0 = 1'764'000'000'123'456;

event call_event(std::uint64_t seq, event_payload payload) {
  event e;
  e.env.tenant_id = "acme";
  e.env.call_id = "c1";
  e.env.seq = seq;
  e.env.epoch = 1;
  e.env.occurred_at = t0 + static_cast<time_us>(seq) * 1'000;
  e.payload = std::move(payload);
  return e;
}

std::vector<event> traced_call() {
  std::vector<event> out;
  std::uint64_t seq = 0;
  auto add = [&](event_payload p) {
    out.push_back(call_event(++seq, std::move(p)));
  };
  add(call_started{"support", "inbound", "pipecat", "", "", "", "en"});
  add(user_spoke{1, 0, "book me a table", 0, 0, "", 0, false});
  add(turn_latency_measured{2, 110, 420, -1, 950, false});
  add(tool_invoked{"book", R"({"people": 2})", "not json", 35, "timeout"});
  add(user_interrupted{2});
  add(problem_logged{"warning", "CartesiaTTSService#0", "slow"});
  add(problem_logged{"fatal", "OpenAILLMService#0", "quota"});
  add(call_ended{call_status::failed, "pipeline_error", 0, 4000});
  return out;
}

} // namespace

TEST_CASE("each notable event is one row of the call's trace") {
  projections::call_events_fold fold;
  std::uint64_t pos = 0;
  for (const auto& e : traced_call())
    fold.apply(e, {++pos, 0, 1});
  auto batch = fold.take_batch(false);
  std::vector<std::string> types;
  for (const auto& r : batch.rows) {
    types.push_back(r.type);
    CHECK(r.session_started_at == t0 + 1'000); // the first event's time
    CHECK(r.tenant_id == "acme");
  }
  CHECK(types
        == std::vector<std::string>{"call_started", "turn_latency", "tool_call",
                                    "interruption", "warning", "error",
                                    "call_ended"});
  const auto& latency = batch.rows[1];
  CHECK(latency.turn == 2);
  auto l = json::parse(latency.payload);
  CHECK(l["llm_ttfb_ms"] == 420);
  CHECK(l["tts_ttfb_ms"].is_null()); // not measured
  CHECK(l["user_to_bot_ms"] == 950);
  auto tool = json::parse(batch.rows[2].payload);
  CHECK(tool["arguments"]["people"] == 2); // JSON stays JSON
  CHECK(tool["result"] == "not json");     // anything else stays text
  CHECK(tool["error"] == "timeout");
  CHECK(tool["latency_ms"] == 35);
  CHECK(batch.rows[3].turn == 2);
  CHECK(json::parse(batch.rows[5].payload)["severity"] == "fatal");
}

TEST_CASE("an event read again, also after a reload, adds no row") {
  auto events = traced_call();
  projections::call_events_fold first;
  std::uint64_t pos = 0;
  for (std::size_t i = 0; i < 4; ++i)
    first.apply(events[i], {++pos, 0, 1});
  auto b1 = first.take_batch(false);
  CHECK(b1.rows.size() == 3);
  projections::call_events_fold restarted;
  std::map<std::string, std::string> stored(b1.states.begin(), b1.states.end());
  std::string error;
  REQUIRE(restarted.load(stored, error));
  for (std::size_t i = 2; i < events.size(); ++i) // 2 and 3 again
    restarted.apply(events[i], {++pos, 0, 1});
  auto b2 = restarted.take_batch(false);
  REQUIRE(b2.rows.size() == 4);
  CHECK(b2.rows.front().type == "interruption");
  CHECK(b2.rows.front().session_started_at == t0 + 1'000);
}

TEST_CASE("a replay writes the same rows, and a live call's state at the end") {
  auto events = traced_call();
  events.pop_back(); // still live
  projections::call_events_fold live, bulk{projections::write_mode::bulk};
  std::uint64_t pos = 0;
  std::vector<std::string> live_rows, bulk_rows;
  for (const auto& e : events) {
    live.apply(e, {++pos, 0, 1});
    bulk.apply(e, {pos, 0, 1});
    for (const auto& r : live.take_batch(false).rows)
      live_rows.push_back(r.type + r.payload);
    auto b = bulk.take_batch(false);
    CHECK(b.states.empty());
    for (const auto& r : b.rows)
      bulk_rows.push_back(r.type + r.payload);
  }
  CHECK(bulk.take_batch(true).states.size() == 1);
  CHECK(live_rows == bulk_rows);
}
