// Skipping what was applied already (redelivery, re-ingest, replays) and
// the rehydration property: a call rebuilt from its events alone decides
// exactly like the original.

#include "call_test_util.hpp"

#include <catch2/catch.hpp>

using namespace sb;
using namespace sb::call;
using namespace sb::call::test;

namespace {

signal with_detail(signal_kind kind, std::int64_t ms, std::string text,
                   std::string detail) {
  return sig(kind, ms, std::move(text), "OpenAILLMService#0",
             std::move(detail));
}

/// A Pipecat call with every kind of line, including lines that change
/// nothing (a repeated context dump, a second runner line).
std::vector<signal> conversation() {
  auto llm_usage = sig(signal_kind::llm_usage, 3320, {}, "OpenAILLMService#0");
  llm_usage.prompt_tokens = 141;
  llm_usage.completion_tokens = 75;
  auto tts_usage = sig(signal_kind::tts_usage, 5800, {}, "CartesiaTTSService#0");
  tts_usage.characters = 79;
  return {
    sig(signal_kind::pipeline_started, 0, {}, "PipelineRunner#0"),
    bot_says(100, "Hi, how can I help?"),
    bot_started(150),
    bot_stopped(900),
    user_started(2000),
    user_stopped(3000),
    context_says(3100, "What's the weather in Paris?"),
    llm_ttfb(3300, 0.25),
    llm_usage,
    with_detail(signal_kind::function_call, 3350, "get_weather",
                R"({"city":"Paris"})"),
    with_detail(signal_kind::function_result, 3400, "get_weather", "sunny"),
    context_says(3450, "What's the weather in Paris?"), // nothing new
    bot_says(3500, "It's sunny,"),
    tts_ttfb(3600, 0.12),
    bot_started(3800),
    bot_says(4000, "and warm."),
    user_started(4500),
    interruption(4550),
    llm_ttfb(4600, 0.02),
    bot_stopped(4650),
    user_stopped(5000),
    user_says(5100, "And tomorrow?"),
    context_says(5150, "And tomorrow?"), // nothing new
    sig(signal_kind::warning, 5200, "slow response", "OpenAILLMService#0"),
    sig(signal_kind::pipeline_started, 5250), // nothing new
    bot_says(5500, "Rain."),
    bot_started(5700),
    tts_usage,
    bot_stopped(6000),
    sig(signal_kind::idle_detected, 20000, "Idle pipeline detected"),
    sig(signal_kind::pipeline_cancelled, 20001),
    finished(20002), // absorbed
    sig(signal_kind::recording_ready, 40000, {}, {}, "https://rec/1.wav"),
  };
}

/// A fresh state folded from published events only.
call_state rebuilt_from(const std::vector<event>& events) {
  call_state st;
  for (const auto& e : events)
    st.apply(e);
  return st;
}

std::vector<std::string> comparable(const std::vector<event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events)
    out.push_back(test::comparable(e));
  return out;
}

} // namespace

TEST_CASE("a redelivered signal is skipped") {
  driver d;
  auto hello = user_says(1000, "hello");
  REQUIRE_FALSE(d.feed_at(hello, 200).empty());
  auto seq = d.state.seq;
  CHECK(d.state.already_applied(hello, {200, 0}));
  CHECK(d.feed_at(hello, 200).empty());
  // Everything up to the last applied position was applied.
  CHECK(d.feed_at(user_says(1500, "something else"), 199).empty());
  CHECK(d.state.already_applied(user_says(1500, "x"), {200, 0}));
  CHECK_FALSE(d.state.already_applied(user_says(1500, "x"), {200, 1}));
  CHECK(d.state.seq == seq);
  // The next position goes through.
  CHECK_FALSE(d.feed_at(user_says(1600, "are you there?"), 201).empty());
}

TEST_CASE("the position of a signal that changed nothing is remembered") {
  driver d;
  d.feed_at(user_says(1000, "hello"), 200);
  auto noop = sig(signal_kind::pipeline_started, 1200);
  REQUIRE(d.feed_at(noop, 201).empty());
  CHECK(d.state.already_applied(user_stopped(1300), {201, 0}));
}

TEST_CASE("a re-ingested signal is skipped") {
  driver d;
  d.feed_at(sig(signal_kind::pipeline_started, 0), 100);
  auto hello = user_says(1000, "hello");
  auto tool = with_detail(signal_kind::function_call, 1000, "lookup", "{}");
  REQUIRE_FALSE(d.feed_at(hello, 101).empty());
  REQUIRE_FALSE(d.feed_at(tool, 102).empty());
  auto seq = d.state.seq;

  SECTION("same content and source time at a later position") {
    CHECK(d.feed_at(hello, 500).empty());
    CHECK(d.feed_at(tool, 501).empty());
    CHECK(d.state.seq == seq);
  }
  SECTION("a different line at the same source time is applied") {
    auto other = user_says(1000, "hello again");
    CHECK_FALSE(d.feed_at(other, 500).empty());
  }
  SECTION("a line older than the call's last event is a replay") {
    CHECK(d.feed_at(user_says(999, "never said"), 500).empty());
    CHECK(d.feed_at(sig(signal_kind::pipeline_finished, 10), 501).empty());
    CHECK_FALSE(d.state.ended());
  }
}

TEST_CASE("an amendment is recorded once") {
  driver d;
  d.feed(sig(signal_kind::pipeline_started, 0));
  d.feed(finished(1000));
  auto recording =
    sig(signal_kind::recording_ready, 5000, {}, {}, "https://rec/1.wav");
  CHECK(count_of<recording_available>(d.feed_at(recording, 300)) == 1);
  CHECK(d.feed_at(recording, 300).empty()); // redelivered
  CHECK(d.feed_at(recording, 900).empty()); // re-ingested
  CHECK(count_of<recording_available>(d.log) == 1);
}

TEST_CASE("a call's events are numbered 1..n without gaps") {
  driver d;
  auto events = d.feed_all(conversation());
  REQUIRE(events.size() > 20);
  for (std::size_t i = 0; i < events.size(); ++i) {
    CHECK(events[i].env.seq == i + 1);
    CHECK(events[i].env.call_id == "call-1");
    CHECK(events[i].env.tenant_id == "tenant-a");
    CHECK(events[i].env.epoch == 3);
  }
  CHECK(d.state.seq == events.size());
  CHECK(d.state.status == call_status::completed);
  CHECK(d.state.end_reason == "idle_timeout");
  CHECK(count_of<recording_available>(events) == 1);
}

TEST_CASE("a call rebuilt from its events decides like the original") {
  auto signals = conversation();
  for (std::size_t k = 0; k <= signals.size(); ++k) {
    CAPTURE(k);
    driver original;
    for (std::size_t i = 0; i < k; ++i)
      original.feed(signals[i]);

    driver rebuilt;
    rebuilt.state = rebuilt_from(original.log);
    REQUIRE(rebuilt.state.seq == original.state.seq);
    REQUIRE(rebuilt.state.status == original.state.status);
    REQUIRE(rebuilt.state.turn.text == original.state.turn.text);
    // Unacknowledged signals come again after a takeover: the ones that
    // caused events are skipped, the ones that changed nothing change
    // nothing again.
    for (std::size_t i = 0; i < k; ++i)
      CHECK(rebuilt.feed_at(signals[i], 100 + i).empty());
    rebuilt.next_position = original.next_position;

    // A timer decides the same (both on copies).
    auto timer_original = original;
    auto timer_rebuilt = rebuilt;
    CHECK(comparable(timer_rebuilt.fire(call_timer::inactivity))
          == comparable(timer_original.fire(call_timer::inactivity)));

    // And so do the following signals.
    std::vector<event> from_original, from_rebuilt;
    for (std::size_t i = k; i < signals.size(); ++i) {
      auto x = original.feed(signals[i]);
      auto y = rebuilt.feed(signals[i]);
      from_original.insert(from_original.end(), x.begin(), x.end());
      from_rebuilt.insert(from_rebuilt.end(), y.begin(), y.end());
    }
    CHECK(comparable(from_rebuilt) == comparable(from_original));
    CHECK(rebuilt.state.seq == original.state.seq);
  }
}
