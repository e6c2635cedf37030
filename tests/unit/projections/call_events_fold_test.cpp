// The call_events projection's fold: a call's debug trace, one row per
// notable event, each written once whatever the batches and restarts.

#include "switchboard/projections/call_events_fold.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

using namespace sb;
using nlohmann::json;
using projections::call_event_row;
using projections::call_events_fold;
using projections::write_mode;

namespace {

constexpr time_us t0 = 1'764'000'000'123'456; // 2025-11-24 16:00 UTC

/// Events of one call with consecutive seqs, one millisecond apart.
struct call_log {
  std::string id;
  std::vector<event> events;

  call_log& add(event_payload payload) {
    event e;
    e.env.tenant_id = "acme";
    e.env.call_id = id;
    e.env.seq = events.size() + 1;
    e.env.epoch = 1;
    e.env.occurred_at = t0 + static_cast<time_us>(events.size()) * 1'000;
    e.payload = std::move(payload);
    events.push_back(std::move(e));
    return *this;
  }
};

user_spoke said(std::uint32_t turn, std::string text) {
  user_spoke x;
  x.turn = turn;
  x.text = std::move(text);
  return x;
}

/// A call with every notable event, and some that make no row.
call_log traced_call(const std::string& id) {
  call_log c{id, {}};
  c.add(call_queued{})
    .add(call_started{"support", "inbound", "pipecat", "spring", "+4930111",
                      "+4930222", "en"})
    .add(said(1, "book me a table"))
    .add(agent_spoke{2, 0, "For how many?", 0})
    .add(turn_latency_measured{2, 110, 420, -1, 950, false})
    .add(tool_invoked{"book", R"({"people": 2})", "Done, status ok.", 35, ""})
    .add(user_interrupted{2})
    .add(usage_recorded{"OpenAILLMService#0", 120, 30, 0, 0})
    .add(problem_logged{"warning", "CartesiaTTSService#0", "slow"})
    .add(problem_logged{"fatal", "OpenAILLMService#0", "quota"})
    .add(problem_logged{"idle", "", "no audio for 30 s"})
    .add(turn_completed{2, speaker::agent, 0, 0, true})
    .add(call_ended{call_status::failed, "pipeline_error", 0, 4000})
    .add(recording_available{"https://rec.example/c1.wav"})
    .add(call_analyzed{"Booked a table.",
                       "positive",
                       {"booking", "food"},
                       R"({"people": 2, "day": "friday"})",
                       "not json"});
  return c;
}

std::vector<std::string> types_of(const std::vector<call_event_row>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows)
    out.push_back(r.type);
  return out;
}

/// A row as the table holds it.
std::string text_of(const call_event_row& r) {
  return r.session_id + "|" + r.tenant_id + "|"
         + std::to_string(r.session_started_at) + "|" + std::to_string(r.seq)
         + "|" + r.type + "|" + std::to_string(r.at) + "|" + r.payload + "|"
         + std::to_string(r.turn);
}

/// What the tables hold after folding `events` in batches that end at
/// `cuts`, a new fold (a restarted node) per batch that loads the stored
/// states first, as the projection's prepare() does.
struct stored {
  std::vector<std::string> rows;
  std::map<std::string, std::string> states;
};

stored fold_restarting(const std::vector<event>& events,
                       const std::vector<std::size_t>& cuts) {
  stored out;
  std::size_t from = 0;
  for (auto to : cuts) {
    call_events_fold fold;
    std::string error;
    REQUIRE(fold.load(out.states, error));
    for (auto i = from; i < to; ++i)
      fold.apply(events[i], {i + 1, 0, 1});
    auto batch = fold.take_batch(false);
    for (const auto& r : batch.rows)
      out.rows.push_back(text_of(r));
    for (auto& [id, state] : batch.states)
      out.states[id] = state;
    from = to;
  }
  return out;
}

stored fold_once(const std::vector<event>& events, write_mode mode) {
  stored out;
  call_events_fold fold{mode};
  for (std::size_t i = 0; i < events.size(); ++i)
    fold.apply(events[i], {i + 1, 0, 1});
  auto batch = fold.take_batch(true);
  for (const auto& r : batch.rows)
    out.rows.push_back(text_of(r));
  out.states.insert(batch.states.begin(), batch.states.end());
  return out;
}

} // namespace

TEST_CASE("each notable event is one row of the call's trace") {
  call_events_fold fold;
  auto c = traced_call("c1");
  for (std::size_t i = 0; i < c.events.size(); ++i)
    fold.apply(c.events[i], {i + 1, 0, 1});
  auto rows = fold.take_batch(false).rows;
  CHECK(types_of(rows)
        == std::vector<std::string>{"call_started", "turn_latency", "tool_call",
                                    "interruption", "warning", "error", "idle",
                                    "call_ended", "recording", "analysis"});
  for (const auto& r : rows) {
    INFO(r.type);
    CHECK(r.session_id == "c1");
    CHECK(r.tenant_id == "acme");
    CHECK(r.session_started_at == t0); // call_queued, the first event
    CHECK(r.at == c.events[r.seq - 1].env.occurred_at);
  }
  CHECK(rows[0].seq == 2);
  CHECK(rows[0].payload
        == R"({"agent_id":"support","direction":"inbound",)"
           R"("provider":"pipecat","campaign":"spring","from":"+4930111",)"
           R"("to":"+4930222","language":"en"})");
  CHECK(rows[1].turn == 2);
  CHECK(rows[1].payload
        == R"({"stt_ms":110.0,"llm_ttfb_ms":420.0,"tts_ttfb_ms":null,)"
           R"("user_to_bot_ms":950.0,"during_interruption":false})");
  CHECK(rows[2].payload
        == R"({"name":"book","arguments":"{\"people\": 2}",)"
           R"("result":"Done, status ok.","latency_ms":35.0,"error":null})");
  CHECK(rows[3].turn == 2);
  CHECK(rows[3].payload == "{}");
  CHECK(rows[5].payload
        == R"({"severity":"fatal","service":"OpenAILLMService#0",)"
           R"("message":"quota"})");
  CHECK(rows[7].payload
        == R"({"status":"failed","end_reason":"pipeline_error",)"
           R"("duration_ms":4000})");
  CHECK(rows[7].turn == 0);
  CHECK(rows[8].payload == R"({"url":"https://rec.example/c1.wav"})");
  CHECK(rows[9].payload
        == R"({"summary":"Booked a table.","sentiment":"positive",)"
           R"("tags":["booking","food"],)"
           R"("extracted":{"people":2,"day":"friday"},"cost":"not json"})");
}

TEST_CASE("a tool call's missing figures are null, its error is kept") {
  call_events_fold fold;
  call_log c{"c1", {}};
  c.add(tool_invoked{"lookup", "", "", -1, "timeout"});
  fold.apply(c.events[0], {1, 0, 1});
  auto rows = fold.take_batch(false).rows;
  REQUIRE(rows.size() == 1);
  auto j = json::parse(rows[0].payload);
  CHECK(j["latency_ms"].is_null());
  CHECK(j["error"] == "timeout");
  CHECK(j["arguments"] == "");
}

TEST_CASE("texts a log may hold still make a row PostgreSQL takes") {
  call_events_fold fold;
  call_log c{"c1", {}};
  c.add(problem_logged{"warning", "stt", std::string("a\0b", 3)})
    .add(problem_logged{"error", "llm", "cut \xE2\x82"}) // half a '€'
    .add(call_analyzed{"",
                       "",
                       {},
                       R"({"k\u0000": "v\u0000"})",
                       std::string(100, '[') + std::string(100, ']')});
  for (std::size_t i = 0; i < c.events.size(); ++i)
    fold.apply(c.events[i], {i + 1, 0, 1});
  auto rows = fold.take_batch(false).rows;
  REQUIRE(rows.size() == 3);
  for (const auto& r : rows) {
    INFO(r.payload);
    // jsonb refuses \u0000; a strict parser refuses invalid UTF-8.
    CHECK(r.payload.find("\\u0000") == std::string::npos);
    CHECK_NOTHROW(json::parse(r.payload));
  }
  CHECK(json::parse(rows[0].payload)["message"]
        == "a\xEF\xBF\xBD"
           "b");
  CHECK(json::parse(rows[1].payload)["message"] == "cut \xEF\xBF\xBD");
  auto analysis = json::parse(rows[2].payload);
  CHECK(analysis["extracted"]["k\xEF\xBF\xBD"] == "v\xEF\xBF\xBD");
  CHECK(analysis["cost"].is_string()); // too deep to embed
}

TEST_CASE("an event read again, also after a reload, adds no row") {
  auto events = traced_call("c1").events;
  call_events_fold first;
  for (std::size_t i = 0; i < 6; ++i)
    first.apply(events[i], {i + 1, 0, 1});
  first.apply(events[4], {7, 0, 1}); // the same seq again
  auto b1 = first.take_batch(false);
  CHECK(
    types_of(b1.rows)
    == std::vector<std::string>{"call_started", "turn_latency", "tool_call"});
  call_events_fold restarted;
  std::map<std::string, std::string> states(b1.states.begin(), b1.states.end());
  std::string error;
  REQUIRE(restarted.load(states, error));
  for (std::size_t i = 4; i < 8; ++i) // 4 and 5 again
    restarted.apply(events[i], {i + 10, 0, 1});
  auto b2 = restarted.take_batch(false);
  REQUIRE(types_of(b2.rows) == std::vector<std::string>{"interruption"});
  // The start survives the restart: the row lands in the call's partition.
  CHECK(b2.rows[0].session_started_at == t0);
}

TEST_CASE("batches, restarts and a replay give the same rows and states") {
  std::vector<event> events;
  auto a = traced_call("a").events, b = traced_call("b").events;
  // Interleaved, as calls are in the stream; "b" still live at the end.
  b.resize(9);
  for (std::size_t i = 0; i < a.size(); ++i) {
    events.push_back(a[i]);
    if (i < b.size())
      events.push_back(b[i]);
  }
  auto once = fold_once(events, write_mode::incremental);
  REQUIRE(once.rows.size() == 10 + 5);
  REQUIRE(once.states.size() == 2);

  std::vector<std::size_t> every_event;
  for (std::size_t i = 1; i <= events.size(); ++i)
    every_event.push_back(i);
  auto cuts
    = GENERATE_COPY(std::vector<std::size_t>{events.size()}, every_event,
                    std::vector<std::size_t>{3, 4, 11, 12, 20, events.size()});
  auto restarted = fold_restarting(events, cuts);
  CHECK(restarted.rows == once.rows);
  CHECK(restarted.states == once.states);

  auto replay = fold_once(events, write_mode::bulk);
  CHECK(replay.rows == once.rows);
  CHECK(replay.states == once.states);
}

TEST_CASE("a replay writes an ended call's state once, a live one at the "
          "end, and a late event goes on from the stored state") {
  auto a = traced_call("a").events;
  auto b = traced_call("b").events;
  b.resize(4);
  call_events_fold bulk{write_mode::bulk};
  std::map<std::string, std::string> stored;
  std::vector<std::string> written;
  std::vector<call_event_row> rows;
  std::uint64_t pos = 0;
  // One event per batch, loading what the fold does not hold (prepare).
  auto feed = [&](const event& e) {
    if (!bulk.holds(e.env.call_id) && stored.count(e.env.call_id) > 0) {
      std::string error;
      REQUIRE(bulk.load({*stored.find(e.env.call_id)}, error));
    }
    bulk.apply(e, {++pos, 0, 1});
    auto batch = bulk.take_batch(false);
    rows.insert(rows.end(), batch.rows.begin(), batch.rows.end());
    for (auto& [id, state] : batch.states) {
      written.push_back(id);
      stored[id] = state;
    }
  };
  for (std::size_t i = 0; i < 13; ++i) // up to call_ended
    feed(a[i]);
  CHECK(written == std::vector<std::string>{"a"}); // when it ended
  CHECK_FALSE(bulk.holds("a")); // forgotten: a late event loads it
  CHECK(bulk.holds("b"));       // a replay's tables start empty
  for (const auto& e : b)
    feed(e);
  feed(a[13]); // the recording, after the end
  CHECK(written == std::vector<std::string>{"a", "a"});
  CHECK(rows.back().type == "recording");
  CHECK(rows.back().session_started_at == t0); // the stored start
  auto last = bulk.take_batch(true);
  REQUIRE(last.states.size() == 1);
  CHECK(last.states[0].first == "b");
}

TEST_CASE("a live fold forgets ended calls, and live ones beyond its cache") {
  call_events_fold fold{write_mode::incremental, 1};
  auto a = traced_call("a").events;
  auto b = traced_call("b").events;
  fold.apply(a[0], {1, 0, 1});
  (void)fold.take_batch(false);
  CHECK(fold.holds("a"));
  fold.apply(b[0], {2, 0, 1});
  CHECK(fold.take_batch(false).states.size() == 1);
  CHECK_FALSE(fold.holds("a")); // two live calls > 1: reloaded when needed
  CHECK_FALSE(fold.holds("b"));
}

TEST_CASE("a call_events state that is not this format's is refused") {
  call_events_fold fold;
  std::string error;
  CHECK_FALSE(fold.load({{"x", "garbage"}}, error));
  CHECK(error.find("call x") != std::string::npos);
  CHECK_FALSE(fold.holds("x"));
}
