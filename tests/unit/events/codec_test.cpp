#include "switchboard/events/codec.hpp"
#include "switchboard/events/partitions.hpp"

#include <catch2/catch.hpp>

using namespace sb;

namespace {

event make(event_payload payload, std::uint64_t seq = 7) {
  event e;
  e.env.tenant_id = "default";
  e.env.call_id = "c-123";
  e.env.seq = seq;
  e.env.epoch = 42;
  e.env.occurred_at = 1759715049485000;
  e.env.recorded_at = 1759715050000000;
  e.env.source_position = 99;
  e.env.source_hash = 0xdeadbeefcafef00dull;
  e.payload = std::move(payload);
  return e;
}

event round_trip(const event& e) {
  event out;
  std::string error;
  auto bytes = encode(e);
  REQUIRE(decode(bytes, out, error));
  CHECK(error.empty());
  return out;
}

} // namespace

TEST_CASE("an event survives encode and decode with its envelope") {
  user_spoke spoke;
  spoke.turn = 3;
  spoke.part = 1;
  spoke.text = "I'd like to book a table — für zwei";
  spoke.started_at = 11;
  spoke.ended_at = 22;
  spoke.confidence = 0.93;
  spoke.from_context = true;
  auto out = round_trip(make(spoke));
  CHECK(out.env.call_id == "c-123");
  CHECK(out.env.seq == 7);
  CHECK(out.env.epoch == 42);
  CHECK(out.env.occurred_at == 1759715049485000);
  CHECK(out.env.source_hash == 0xdeadbeefcafef00dull);
  REQUIRE(std::holds_alternative<user_spoke>(out.payload));
  const auto& got = std::get<user_spoke>(out.payload);
  CHECK(got.text == spoke.text);
  CHECK(got.turn == 3);
  CHECK(got.part == 1);
  CHECK(got.confidence == Approx(0.93));
  CHECK(got.from_context);
  CHECK(out.type_name() == std::string{"user_spoke"});
  CHECK(out.id() == "c-123:7:42");
}

TEST_CASE("every event type round-trips and keeps its tag") {
  call_ended ended;
  ended.status = call_status::failed;
  ended.end_reason = "error";
  ended.ended_at = 5;
  ended.duration_ms = 1234;
  call_analyzed analyzed;
  analyzed.tags = {"billing", "angry"};
  std::vector<event_payload> all
    = {call_queued{},
       call_ringing{},
       call_started{"support-bot", "inbound", "pipecat", "", "+1", "+2", "en"},
       user_spoke{},
       agent_spoke{2, 0, "Hello!", 9},
       turn_latency_measured{2, 100, 200, 300, 1500, true},
       tool_invoked{"get_weather", "{\"city\":\"Paris\"}", "sunny", 12, ""},
       user_interrupted{4},
       usage_recorded{"OpenAILLMService#0", 141, 75, 0, 0, 64, "gpt-4o"},
       ended,
       analyzed,
       recording_available{"https://r/1"},
       conversation_erased{},
       partition_acquired{3, 17, "node-a"},
       speech_changed{speaker::agent, true},
       metric_measured{"OpenAILLMService#0", "ttfb", 104.1, false},
       problem_logged{"fatal", "X#0", "boom"},
       turn_completed{2, speaker::agent, 1, 2, true}};
  REQUIRE(all.size() == std::variant_size_v<event_payload>);
  for (auto& payload : all) {
    auto e = make(payload);
    auto out = round_trip(e);
    CHECK(out.type_tag() == e.type_tag());
    CHECK(encode(out) == encode(e)); // nothing lost, nothing added
  }
  auto out = round_trip(make(ended));
  CHECK(std::get<call_ended>(out.payload).status == call_status::failed);
  CHECK(std::get<call_ended>(out.payload).duration_ms == 1234);
  auto tagged = round_trip(make(analyzed));
  CHECK(std::get<call_analyzed>(tagged.payload).tags
        == std::vector<std::string>{"billing", "angry"});
}

TEST_CASE("truncated and corrupt events are rejected with a reason") {
  auto bytes = encode(make(agent_spoke{1, 0, "Hello there", 5}));
  event out;
  std::string error;
  CHECK_FALSE(decode(bytes.substr(0, bytes.size() / 2), out, error));
  CHECK_FALSE(error.empty());
  error.clear();
  CHECK_FALSE(decode("", out, error));
  CHECK_FALSE(error.empty());
  auto future = bytes;
  future[0] = 9; // a framing this build does not know
  error.clear();
  CHECK_FALSE(decode(future, out, error));
  CHECK(error.find("frame") != std::string::npos);
}

TEST_CASE("a signal batch round-trips") {
  signal_batch b{"default", "support-bot", "pipecat", {}};
  signal s;
  s.call_id = "c-1";
  s.kind = signal_kind::llm_usage;
  s.at_us = 123;
  s.service = "OpenAILLMService#0";
  s.prompt_tokens = 141;
  s.completion_tokens = 75;
  s.cached_tokens = 64;
  s.line = 9;
  b.signals.push_back(s);
  s.kind = signal_kind::user_text;
  s.text = "Hola";
  s.language = "es";
  b.signals.push_back(s);
  signal_batch out;
  std::string error;
  REQUIRE(decode(encode(b), out, error));
  CHECK(out == b);
  CHECK(out.signals[0].cached_tokens == 64);
  CHECK(out.signals[1].language == "es");
}

TEST_CASE("a signal's key ignores where it was read but not what it says") {
  signal a;
  a.call_id = "c-1";
  a.kind = signal_kind::bot_text;
  a.at_us = 1000;
  a.text = "Hello";
  a.line = 5;
  auto b = a;
  b.line = 77;
  CHECK(key_of(a).content_hash == key_of(b).content_hash);
  b.text = "Hello!";
  CHECK(key_of(a).content_hash != key_of(b).content_hash);
}

TEST_CASE("partitions are stable and spread") {
  CHECK(partition_of("c-1", 64) == partition_of("c-1", 64));
  CHECK(partition_of("c-1", 64) < 64);
  std::vector<int> seen(64);
  for (int i = 0; i < 6400; ++i)
    ++seen[partition_of("call-" + std::to_string(i), 64)];
  for (auto n : seen)
    CHECK(n > 50); // roughly 100 each
  CHECK(event_subject(5) == "sb.evt.5");
  CHECK(signal_subject(63) == "sb.sig.63");
}
