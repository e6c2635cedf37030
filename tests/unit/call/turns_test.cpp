// Turn assembly, turn timing, context-dump recovery, interruptions, latency,
// usage and tools, on the pure pipeline.

#include "call_test_util.hpp"

#include <catch2/catch.hpp>

using namespace sb;
using namespace sb::call;
using namespace sb::call::test;

using strings = std::vector<std::string>;

namespace {

/// A Pipecat call that has started and said nothing yet.
driver started_call() {
  driver d;
  d.feed(sig(signal_kind::pipeline_started, 0, {}, "PipelineRunner#0"));
  return d;
}

} // namespace

TEST_CASE("consecutive sentences of one speaker form one turn") {
  auto d = started_call();
  d.feed(bot_says(100, "Hello,"));
  d.feed(bot_says(200, "  how can\n I "));
  d.feed(bot_says(300, "help you?"));
  auto parts = all_of<agent_spoke>(d.log);
  REQUIRE(parts.size() == 3);
  for (std::uint32_t i = 0; i < 3; ++i) {
    CHECK(parts[i].turn == 1);
    CHECK(parts[i].part == i);
  }
  CHECK(parts[1].text == "how can I"); // white space collapsed
  CHECK(parts[2].at == at_ms(300));
  CHECK(d.state.turn.text == "Hello, how can I help you?");
  CHECK(count_of<turn_completed>(d.log) == 0);

  // The user takes over: the agent turn closes, turn 2 opens.
  auto user = d.feed(user_says(1000, "I need"));
  CHECK(names(user) == strings{"turn_completed", "user_spoke"});
  auto closed = only<turn_completed>(user);
  CHECK(closed.turn == 1);
  CHECK(closed.who == speaker::agent);
  CHECK(closed.started_at == at_ms(100)); // no speech edges: text times
  CHECK(closed.ended_at == at_ms(300));
  CHECK_FALSE(closed.interrupted);
  auto spoke = only<user_spoke>(user);
  CHECK(spoke.turn == 2);
  CHECK(spoke.part == 0);
  CHECK(spoke.text == "I need");
  CHECK_FALSE(spoke.from_context);

  auto more = d.feed(user_says(1500, "a   table "));
  CHECK(only<user_spoke>(more).turn == 2);
  CHECK(only<user_spoke>(more).part == 1);
  CHECK(d.state.turn.text == "I need a table");

  // Back to the agent: turn 3; the end closes it.
  auto reply = d.feed(bot_says(2500, "Sure."));
  auto user_turn = only<turn_completed>(reply);
  CHECK(user_turn.turn == 2);
  CHECK(user_turn.who == speaker::user);
  CHECK(user_turn.started_at == at_ms(1000));
  CHECK(user_turn.ended_at == at_ms(1500));
  CHECK(only<agent_spoke>(reply).turn == 3);

  auto end = d.feed(finished(3000));
  CHECK(names(end) == strings{"turn_completed", "call_ended"});
  CHECK(only<turn_completed>(end).turn == 3);
  CHECK(only<turn_completed>(end).who == speaker::agent);
}

TEST_CASE("blank texts are not turns") {
  auto d = started_call();
  CHECK(d.feed(bot_says(100, "  \n ")).empty());
  CHECK(d.feed(user_says(200, "\t")).empty());
  CHECK(d.feed(context_says(300, " ")).empty());
  CHECK(d.state.turn.number == 0);
}

TEST_CASE("turn timing follows the speech edges") {
  auto d = started_call();
  d.feed(bot_says(100, "Hi there."));
  d.feed(bot_started(150));
  d.feed(bot_stopped(900));
  d.feed(user_started(2000));
  d.feed(user_stopped(3000));
  auto user = d.feed(user_says(3200, "book a table"));

  SECTION("an agent turn runs from bot started to bot stopped") {
    auto agent = only<turn_completed>(user);
    CHECK(agent.turn == 1);
    CHECK(agent.started_at == at_ms(150));
    CHECK(agent.ended_at == at_ms(900));
  }
  SECTION("a user turn runs from the VAD start to the VAD stop") {
    auto spoke = only<user_spoke>(user);
    CHECK(spoke.started_at == at_ms(2000));
    CHECK(spoke.ended_at == at_ms(3000));
    auto closed = only<turn_completed>(d.feed(bot_says(3600, "Sure,")));
    CHECK(closed.turn == 2);
    CHECK(closed.who == speaker::user);
    CHECK(closed.started_at == at_ms(2000));
    CHECK(closed.ended_at == at_ms(3000));
  }
  SECTION("an agent turn starts at the first bot start after its first "
          "sentence and spans its later sentences") {
    d.feed(bot_says(3600, "Sure,"));
    d.feed(bot_started(3800));
    d.feed(bot_says(4000, "for how many?"));
    d.feed(bot_stopped(4500));
    d.feed(bot_started(4600));
    d.feed(bot_stopped(5000));
    auto closed = only<turn_completed>(d.feed(user_says(6000, "two")));
    CHECK(closed.turn == 3);
    CHECK(closed.started_at == at_ms(3800));
    CHECK(closed.ended_at == at_ms(5000));
  }
  SECTION("an agent turn still speaking ends when it is closed") {
    d.feed(bot_says(3600, "Let me see"));
    d.feed(bot_started(3800));
    auto closed = only<turn_completed>(d.feed(finished(4700)));
    CHECK(closed.started_at == at_ms(3800));
    CHECK(closed.ended_at == at_ms(4700));
  }
}

TEST_CASE("a transcription while the user still speaks ends at the VAD stop") {
  auto d = started_call();
  d.feed(user_started(2000));
  auto spoke = only<user_spoke>(d.feed(user_says(2500, "hello")));
  CHECK(spoke.started_at == at_ms(2000));
  CHECK(spoke.ended_at == 0); // not known yet
  d.feed(user_stopped(3000));
  auto closed = only<turn_completed>(d.feed(bot_says(3500, "Hi!")));
  CHECK(closed.started_at == at_ms(2000));
  CHECK(closed.ended_at == at_ms(3000));
}

TEST_CASE("a user turn of two speech segments ends at the last VAD stop") {
  auto d = started_call();
  d.feed(user_started(2000));
  d.feed(user_stopped(2600));
  d.feed(user_says(2700, "I need"));
  d.feed(user_started(3000));
  d.feed(user_stopped(3900));
  d.feed(user_says(4000, "a taxi"));
  auto closed = only<turn_completed>(d.feed(bot_says(4500, "Where to?")));
  CHECK(closed.started_at == at_ms(2000));
  CHECK(closed.ended_at == at_ms(3900));
}

TEST_CASE("speech edges are recorded once per change") {
  auto d = started_call();
  CHECK(names(d.feed(user_started(100))) == strings{"speech_changed"});
  CHECK(d.feed(user_started(150)).empty());
  auto stop = d.feed(user_stopped(200));
  CHECK_FALSE(only<speech_changed>(stop).speaking);
  CHECK(d.feed(user_stopped(250)).empty());
  auto bot = only<speech_changed>(d.feed(bot_started(300)));
  CHECK(bot.who == speaker::agent);
  CHECK(bot.speaking);
  CHECK(d.feed(bot_started(350)).empty());
}

// -- Context dumps ------------------------------------------------------------

TEST_CASE("a context dump repeating a transcription is the same turn") {
  auto d = started_call();
  d.feed(user_started(1000));
  d.feed(user_stopped(2000));
  d.feed(user_says(2100, "Book a table for two"));
  CHECK(d.feed(context_says(2200, "Book a  table for two")).empty());

  SECTION("also once the agent answered") {
    d.feed(bot_says(2600, "For when?"));
    CHECK(d.feed(context_says(2700, "Book a table for two")).empty());
  }
  CHECK(count_of<user_spoke>(d.log) == 1);
}

TEST_CASE("a context dump recovers turns no transcription carried") {
  auto d = started_call();
  d.feed(bot_says(100, "Hi, how can I help?"));
  d.feed(user_started(1000));
  d.feed(user_stopped(2000));
  auto recovered = d.feed(context_says(2100, "What's the weather in Paris?"));
  CHECK(names(recovered) == strings{"turn_completed", "user_spoke"});
  auto spoke = only<user_spoke>(recovered);
  CHECK(spoke.turn == 2);
  CHECK(spoke.from_context);
  CHECK(spoke.text == "What's the weather in Paris?");
  CHECK(spoke.started_at == at_ms(1000));
  CHECK(spoke.ended_at == at_ms(2000));

  SECTION("after a function call the same last message is no new turn") {
    auto call = d.feed(sig(signal_kind::function_call, 2300, "get_weather",
                           "OpenAILLMService#0", R"({"city":"Paris"})"));
    auto result = d.feed(sig(signal_kind::function_result, 2500,
                             "get_weather", "OpenAILLMService#0",
                             R"({"sky":"sunny"})"));
    CHECK(d.feed(context_says(2600, "What's the weather in Paris?")).empty());
    // Even if the agent said something meanwhile.
    d.feed(bot_says(2700, "Let me check."));
    CHECK(d.feed(context_says(2800, "What's the weather in Paris?")).empty());
    CHECK(count_of<user_spoke>(d.log) == 1);

    auto invoked = only<tool_invoked>(call);
    CHECK(invoked.name == "get_weather");
    CHECK(invoked.arguments == R"({"city":"Paris"})");
    auto returned = only<tool_invoked>(result);
    CHECK(returned.name == "get_weather");
    CHECK(returned.result == R"({"sky":"sunny"})");
  }
  SECTION("a new utterance is a new turn") {
    d.feed(bot_says(3000, "It's sunny."));
    d.feed(user_started(4000));
    d.feed(user_stopped(4500));
    auto next = only<user_spoke>(d.feed(context_says(4600, "And in Rome?")));
    CHECK(next.turn == 4);
    CHECK(next.from_context);
    CHECK(next.started_at == at_ms(4000));
  }
  SECTION("the same words said again are a new turn") {
    d.feed(bot_says(3000, "Paris or Paris, Texas?"));
    d.feed(user_started(4000));
    d.feed(user_stopped(4500));
    auto again = d.feed(context_says(4600, "What's the weather in Paris?"));
    CHECK(only<user_spoke>(again).turn == 4);
  }
}

// -- Interruptions --------------------------------------------------------------

TEST_CASE("an interruption marks the agent turn it cut off") {
  auto d = started_call();
  d.feed(bot_says(100, "Let me tell you about our offers"));
  d.feed(bot_started(200));
  d.feed(user_started(1000));
  auto cut = d.feed(interruption(1050));
  CHECK(only<user_interrupted>(cut).turn == 1);
  d.feed(bot_stopped(1100));
  d.feed(user_stopped(1500));
  auto user = d.feed(user_says(1600, "stop"));
  auto closed = only<turn_completed>(user);
  CHECK(closed.turn == 1);
  CHECK(closed.interrupted);
  CHECK(closed.ended_at == at_ms(1100));

  SECTION("an interruption with no agent turn open cuts off nothing") {
    auto again = d.feed(interruption(1700));
    CHECK(only<user_interrupted>(again).turn == 0);
    auto user_turn = only<turn_completed>(d.feed(bot_says(2000, "OK.")));
    CHECK(user_turn.who == speaker::user);
    CHECK_FALSE(user_turn.interrupted);
  }
  SECTION("the next agent turn is not interrupted") {
    d.feed(bot_says(2000, "OK."));
    auto next = only<turn_completed>(d.feed(finished(3000)));
    CHECK(next.turn == 3);
    CHECK_FALSE(next.interrupted);
  }
}

// -- Latency --------------------------------------------------------------------

namespace {

/// Greeting, then the user asks; the agent answers in turn 3 with the bot
/// starting 800 ms after the user stopped (at 3000 ms).
driver answered_call() {
  auto d = started_call();
  d.feed(bot_says(100, "Hi!"));
  d.feed(bot_started(150));
  d.feed(bot_stopped(600));
  d.feed(user_started(2000));
  d.feed(user_stopped(3000));
  d.feed(user_says(3100, "Book a table"));
  d.feed(llm_ttfb(3300, 0.25));
  d.feed(bot_says(3500, "Sure,"));
  d.feed(tts_ttfb(3600, 0.12));
  d.feed(bot_started(3800));
  d.feed(bot_says(4000, "for how many?"));
  d.feed(bot_stopped(5000));
  return d;
}

} // namespace

TEST_CASE("the greeting has no latency") {
  auto d = started_call();
  d.feed(bot_says(100, "Hi!"));
  d.feed(bot_started(150));
  d.feed(bot_stopped(600));
  d.feed(user_started(2000));
  d.feed(user_stopped(3000));
  d.feed(user_says(3100, "hello"));
  CHECK(count_of<turn_latency_measured>(d.log) == 0);
}

TEST_CASE("latency is reported when the agent turn closes at the end") {
  auto d = answered_call();
  auto end = d.feed(finished(6000));
  CHECK(names(end)
        == strings{"turn_latency_measured", "turn_completed", "call_ended"});
  auto lat = only<turn_latency_measured>(end);
  CHECK(lat.turn == 3);
  CHECK(lat.user_to_bot_ms == Approx(800));
  CHECK(lat.llm_ttfb_ms == Approx(250));
  CHECK(lat.tts_ttfb_ms == Approx(120));
  CHECK(lat.stt_ms == -1);
  CHECK_FALSE(lat.measured_during_interruption);
}

TEST_CASE("latency is reported when the user takes the next turn") {
  // The usual order: the next utterance's text (a transcription or the
  // LLM's context dump) comes after the user stopped speaking again.
  auto d = answered_call();
  d.feed(user_started(6000));
  d.feed(user_stopped(6500));
  auto next = d.feed(context_says(6600, "For two"));
  CHECK(names(next) == strings{"turn_latency_measured", "turn_completed",
                               "user_spoke"});
  auto lat = only<turn_latency_measured>(next);
  CHECK(lat.turn == 3);
  CHECK(lat.user_to_bot_ms == Approx(800));
  CHECK(lat.llm_ttfb_ms == Approx(250));
  CHECK(lat.tts_ttfb_ms == Approx(120));

  // The new exchange is measured from the new stop.
  d.feed(llm_ttfb(6800, 0.3));
  d.feed(bot_says(7000, "Done."));
  d.feed(bot_started(7400));
  auto end = d.feed(finished(8000));
  auto second = only<turn_latency_measured>(end);
  CHECK(second.turn == 5);
  CHECK(second.user_to_bot_ms == Approx(900));
  CHECK(second.llm_ttfb_ms == Approx(300));
  CHECK(second.tts_ttfb_ms == -1);
  CHECK(count_of<turn_latency_measured>(d.log) == 2);
}

TEST_CASE("latency counts from the last user stop, with the first TTFBs") {
  auto d = started_call();
  d.feed(user_started(1000));
  d.feed(user_stopped(1500));
  d.feed(user_started(1700)); // the user went on
  d.feed(user_stopped(2000));
  d.feed(user_says(2100, "one more thing"));
  d.feed(metric(signal_kind::ttfb, 2150, "DeepgramSTTService#0", 0.05));
  d.feed(llm_ttfb(2200, 0.3));
  d.feed(sig(signal_kind::function_call, 2250, "lookup"));
  d.feed(llm_ttfb(2400, 0.5)); // the second LLM call does not count
  d.feed(bot_says(2500, "Here it is."));
  d.feed(tts_ttfb(2550, 0.1));
  d.feed(tts_ttfb(2560, 0.9));
  d.feed(bot_started(2600));
  auto lat = only<turn_latency_measured>(d.feed(finished(3000)));
  CHECK(lat.user_to_bot_ms == Approx(600));
  CHECK(lat.llm_ttfb_ms == Approx(300));
  CHECK(lat.tts_ttfb_ms == Approx(100));
  CHECK(lat.stt_ms == Approx(50));
}

TEST_CASE("metric lines are recorded in milliseconds") {
  auto d = started_call();
  auto ttfb = only<metric_measured>(d.feed(llm_ttfb(100, 0.104)));
  CHECK(ttfb.service == "OpenAILLMService#0");
  CHECK(ttfb.metric == "ttfb");
  CHECK(ttfb.value_ms == Approx(104));
  CHECK_FALSE(ttfb.during_interruption);
  CHECK(only<metric_measured>(d.feed(metric(signal_kind::processing_time,
                                            200, "DeepgramTTSService#0",
                                            1.5)))
          .metric
        == "processing");
  CHECK(only<metric_measured>(
          d.feed(metric(signal_kind::ttfa, 300, "X#0", 0.35)))
          .metric
        == "ttfa");
  auto summary = only<metric_measured>(
    d.feed(metric(signal_kind::latency_summary, 400, {}, 1.234)));
  CHECK(summary.metric == "user_to_bot");
  CHECK(summary.value_ms == Approx(1234));
}

TEST_CASE("a TTFB during an interruption is flagged") {
  auto d = answered_call();
  d.feed(bot_says(5100, "We also have"));
  d.feed(bot_started(5200));
  d.feed(user_started(5500));
  d.feed(interruption(5550));
  auto low = only<metric_measured>(d.feed(llm_ttfb(5600, 0.02)));
  CHECK(low.during_interruption);

  SECTION("and the turn latency measured with it") {
    d.feed(bot_stopped(5650));
    d.feed(user_stopped(6000));
    auto after = only<metric_measured>(d.feed(llm_ttfb(6100, 0.3)));
    CHECK_FALSE(after.during_interruption); // the user is done speaking
    auto next = d.feed(user_says(6200, "no thanks"));
    auto lat = only<turn_latency_measured>(next);
    CHECK(lat.turn == 3);
    CHECK(lat.measured_during_interruption);
    CHECK(lat.llm_ttfb_ms == Approx(250)); // the low value is not used
    CHECK(lat.user_to_bot_ms == Approx(800));
    CHECK(only<turn_completed>(next).interrupted);
  }
  SECTION("not a TTFB before the interruption") {
    driver e = answered_call();
    e.feed(user_started(5500));
    auto before = only<metric_measured>(e.feed(llm_ttfb(5520, 0.2)));
    CHECK_FALSE(before.during_interruption);
  }
}

// -- Usage ----------------------------------------------------------------------

TEST_CASE("usage lines are recorded") {
  auto d = started_call();
  auto llm = sig(signal_kind::llm_usage, 100, {}, "OpenAILLMService#0");
  llm.prompt_tokens = 141;
  llm.completion_tokens = 75;
  auto tts = sig(signal_kind::tts_usage, 200, {}, "CartesiaTTSService#0");
  tts.characters = 79;
  auto stt = metric(signal_kind::stt_usage, 300, "DeepgramSTTService#0",
                    12.345);
  auto a = only<usage_recorded>(d.feed(llm));
  CHECK(a.service == "OpenAILLMService#0");
  CHECK(a.llm_prompt_tokens == 141);
  CHECK(a.llm_completion_tokens == 75);
  CHECK(a.llm_cached_tokens == 0);
  CHECK(a.model.empty()); // Pipecat's usage line names none
  auto b = only<usage_recorded>(d.feed(tts));
  CHECK(b.tts_characters == 79);
  CHECK(b.llm_prompt_tokens == 0);
  auto c = only<usage_recorded>(d.feed(stt));
  CHECK(c.stt_seconds == Approx(12.345));
  CHECK(c.service == "DeepgramSTTService#0");
  auto cached = sig(signal_kind::llm_usage, 400, {}, "OpenAILLMService#0",
                    "cache read input tokens: 1024");
  cached.prompt_tokens = 1410;
  cached.completion_tokens = 7;
  cached.cached_tokens = 1024;
  auto e = only<usage_recorded>(d.feed(cached));
  CHECK(e.llm_prompt_tokens == 1410);
  CHECK(e.llm_cached_tokens == 1024);
  CHECK(e.tts_characters == 0);
}
