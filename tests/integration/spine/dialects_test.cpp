// A multi-call log mixing every Pipecat dialect goes in through the HTTP
// API; every session field and transcript line comes back as written here by
// hand from the rules (tests/fixtures/spine/four_dialects.log).

#include "spine_env.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace sb::test;
using nlohmann::json;

namespace {

struct expected_turn {
  const char* speaker;
  const char* text;
  const char* started_at;
  const char* ended_at;
  bool interrupted;
};

struct expected_call {
  const char* id;
  const char* status;
  const char* end_reason;
  const char* started_at;
  const char* ended_at;
  std::int64_t duration_ms;
  int interruptions;
  const char* first_user_text;
  const char* first_agent_text;
  std::vector<expected_turn> turns;
};

const std::vector<expected_call> four_dialects = {
  {"aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa", // Pipecat Cloud, 0.0.9x
   "completed", "pipeline_finished", "2025-11-03T10:00:00.000Z",
   "2025-11-03T10:00:09.500Z", 9500, 1, "My internet is down.",
   "Hello, this is Acme support. How can I help?",
   {{"agent", "Hello, this is Acme support. How can I help?",
     "2025-11-03T10:00:00.700Z", "2025-11-03T10:00:02.000Z", false},
    {"user", "My internet is down.", "2025-11-03T10:00:03.000Z",
     "2025-11-03T10:00:04.200Z", false},
    {"agent", "I'm sorry to hear that. Let me check your line.",
     "2025-11-03T10:00:05.100Z", "2025-11-03T10:00:06.050Z", true},
    {"user", "It says no signal.", "2025-11-03T10:00:06.000Z",
     "2025-11-03T10:00:07.000Z", false},
    {"agent", "Thanks, I see an outage in your area.",
     "2025-11-03T10:00:07.600Z", "2025-11-03T10:00:09.000Z", false}}},
  {"bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb", // journald, 1.x, context only
   "completed", "idle_timeout", "2025-11-03T10:00:01.000Z",
   "2025-11-03T10:00:20.010Z", 19010, 0, "Where's my order 5512?",
   "Hi! Order desk here.",
   {{"agent", "Hi! Order desk here.", "2025-11-03T10:00:01.600Z",
     "2025-11-03T10:00:02.600Z", false},
    {"user", "Where's my order 5512?", "2025-11-03T10:00:03.000Z",
     "2025-11-03T10:00:04.000Z", false},
    {"agent", "Order 5512 has shipped.", "2025-11-03T10:00:04.700Z",
     "2025-11-03T10:00:05.700Z", false}}},
  {"CA0123456789abcdef0123456789abcdef", // ISO sink, CallSid, +0100
   "failed", "error", "2025-11-03T10:00:02.000Z", "2025-11-03T10:00:06.100Z",
   4100, 0, "I need to cancel my appointment.",
   "Thanks for calling the clinic.",
   {{"agent", "Thanks for calling the clinic.", "2025-11-03T10:00:02.500Z",
     "2025-11-03T10:00:03.500Z", false},
    {"user", "I need to cancel my appointment.", "2025-11-03T10:00:04.000Z",
     "2025-11-03T10:00:05.000Z", false}}},
  {"dddddddd-4444-4444-8444-dddddddddddd", // 0.0.50, no end line
   "failed", "signal_lost", "2025-11-03T10:00:03.000Z",
   "2025-11-03T10:00:08.000Z", 5000, 1, "What's the weather in Paris?",
   "Weather line, hello.",
   {{"agent", "Weather line, hello.", "2025-11-03T10:00:03.600Z",
     "2025-11-03T10:00:04.600Z", false},
    {"user", "What's the weather in Paris?", "2025-11-03T10:00:05.000Z",
     "2025-11-03T10:00:06.000Z", false},
    {"agent", "It is sunny in Paris.", "2025-11-03T10:00:07.400Z",
     "2025-11-03T10:00:08.000Z", true}}},
};

/// A call in the default loguru dialect names no call: the request does.
const char* default_dialect_log =
  "2025-11-03 11:00:00.000 | DEBUG    | pipecat.pipeline.runner:run:71 - "
  "Runner PipelineRunner#0 started running PipelineTask#0\n"
  "2025-11-03 11:00:00.400 | DEBUG    | pipecat.services.tts_service:"
  "_push_tts_frames:602 - ElevenLabsTTSService#0: Generating TTS [Good "
  "morning!]\n"
  "2025-11-03 11:00:00.500 | DEBUG    | pipecat.transports.base_output:"
  "_bot_started_speaking:605 - Bot started speaking\n"
  "2025-11-03 11:00:01.000 | DEBUG    | pipecat.transports.base_output:"
  "_bot_stopped_speaking:650 - Bot stopped speaking\n"
  "2025-11-03 11:00:02.000 | DEBUG    | pipecat.transports.base_input:"
  "_handle_user_interruption:295 - User started speaking\n"
  "2025-11-03 11:00:03.000 | DEBUG    | pipecat.transports.base_input:"
  "_handle_user_interruption:310 - User stopped speaking\n"
  "2025-11-03 11:00:03.100 | DEBUG    | pipecat.services.whisper.stt:"
  "run_stt:434 - Transcription: [Bye.]\n"
  "2025-11-03 11:00:03.300 | DEBUG    | pipecat.services.tts_service:"
  "_push_tts_frames:602 - ElevenLabsTTSService#0: Generating TTS "
  "[Goodbye!]\n"
  "2025-11-03 11:00:03.400 | DEBUG    | pipecat.transports.base_output:"
  "_bot_started_speaking:605 - Bot started speaking\n"
  "2025-11-03 11:00:04.000 | DEBUG    | pipecat.transports.base_output:"
  "_bot_stopped_speaking:650 - Bot stopped speaking\n"
  "2025-11-03 11:00:04.500 | DEBUG    | pipecat.pipeline.task:_cancel:612 "
  "- Canceling pipeline task PipelineTask#0\n";

const expected_call default_dialect = {
  "", "completed", "cancelled", "2025-11-03T11:00:00.000Z",
  "2025-11-03T11:00:04.500Z", 4500, 0, "Bye.", "Good morning!",
  {{"agent", "Good morning!", "2025-11-03T11:00:00.500Z",
    "2025-11-03T11:00:01.000Z", false},
   {"user", "Bye.", "2025-11-03T11:00:02.000Z", "2025-11-03T11:00:03.000Z",
    false},
   {"agent", "Goodbye!", "2025-11-03T11:00:03.400Z",
    "2025-11-03T11:00:04.000Z", false}}};

void check_call(spine_env& env, const expected_call& want,
                const std::string& id) {
  INFO("call " << id);
  auto got = env.get("/v1/conversations/" + id);
  REQUIRE(got.status == 200);
  auto s = got.json();
  CHECK(s["id"] == id);
  CHECK(s["tenant_id"] == "default");
  CHECK(s["agent_id"] == "support-bot");
  CHECK(s["status"] == want.status);
  CHECK(s["end_reason"] == want.end_reason);
  CHECK(s["started_at"] == want.started_at);
  CHECK(s["ended_at"] == want.ended_at);
  CHECK(s["duration_ms"] == want.duration_ms);
  CHECK(s["turn_count"] == want.turns.size());
  CHECK(s["interruptions"] == want.interruptions);
  CHECK(s["first_user_text"] == want.first_user_text);
  CHECK(s["first_agent_text"] == want.first_agent_text);

  auto transcript = env.get("/v1/conversations/" + id + "/transcript");
  REQUIRE(transcript.status == 200);
  auto items = transcript.json()["items"];
  REQUIRE(items.size() == want.turns.size());
  for (std::size_t i = 0; i < want.turns.size(); ++i) {
    INFO("turn " << i + 1);
    const auto& t = want.turns[i];
    CHECK(items[i]["turn"] == i + 1);
    CHECK(items[i]["speaker"] == t.speaker);
    CHECK(items[i]["text"] == t.text);
    CHECK(items[i]["started_at"] == t.started_at);
    CHECK(items[i]["ended_at"] == t.ended_at);
    CHECK(items[i]["interrupted"] == t.interrupted);
  }
}

} // namespace

TEST_CASE("a multi-call log of every dialect becomes sessions and turns") {
  spine_env env;
  env.start_node();
  auto log = read_fixture("spine/four_dialects.log");
  auto r = env.ingest(log, "agent_id=support-bot");
  REQUIRE(r.status == 202);
  auto report = r.json();
  CHECK(report["lines"] == 77);
  CHECK(report["kept"] == 62);
  CHECK(report["dropped"] == 15);
  CHECK(report["dead_lettered"] == 0);
  CHECK(report["call_ids"].size() == 4);
  CHECK_FALSE(report.contains("call_id")); // every line named its call

  auto d = env.ingest(default_dialect_log,
                      "agent_id=support-bot&call_id=call-default-1");
  REQUIRE(d.status == 202);
  CHECK(d.json()["call_ids"] == json::array({"call-default-1"}));

  auto g = env.ingest(default_dialect_log, "agent_id=support-bot");
  REQUIRE(g.status == 202);
  auto generated = g.json().value("call_id", "");
  REQUIRE(generated.size() == 36); // a UUID, returned to the caller

  env.wait_until_settled(std::chrono::seconds{60});
  for (const auto& call : four_dialects)
    check_call(env, call, call.id);
  check_call(env, default_dialect, "call-default-1");
  check_call(env, default_dialect, generated);
  CHECK(env.query_value("select count(*) from sessions") == "6");
}

TEST_CASE("the conversation endpoints say what is missing") {
  spine_env env;
  env.start_node();
  CHECK(env.get("/v1/conversations/no-such-call").status == 404);
  CHECK(env.get("/v1/conversations/no-such-call/transcript").status == 404);
  auto health = env.health();
  CHECK(health["status"] == "ok");
  CHECK(health["partitions_owned"] == 64);
}
