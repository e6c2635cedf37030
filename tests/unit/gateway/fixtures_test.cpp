// The sample logs in tests/fixtures/pipecat/, one per dialect, end to end.

#include "gateway_test_support.hpp"

#include <algorithm>

using namespace sb;
using namespace sb::gateway;
using namespace sb::gateway::test;

namespace {

std::vector<signal_kind> kinds(const std::vector<signal>& signals) {
  std::vector<signal_kind> out;
  for (const auto& s : signals)
    out.push_back(s.kind);
  return out;
}

std::size_t count(const parse_result& r, signal_kind k) {
  return of_kind(r, k).size();
}

} // namespace

TEST_CASE("fixture: default loguru (0.0.94)", "[gateway][fixture]") {
  auto r = parse(read_fixture("loguru_default.log"), options("", "gen-x"));
  check_totals(r);
  CHECK(r.totals.lines == 49);
  CHECK(r.totals.kept == 26);
  CHECK(r.totals.dead_lettered == 0);
  CHECK(r.used_generated_call_id);
  for (const auto& s : r.signals)
    CHECK(s.call_id == "gen-x");
  auto bot = of_kind(r, signal_kind::bot_text);
  REQUIRE(bot.size() == 3);
  CHECK(bot[0].text == "Hi, thanks for calling Riverside Dental!");
  CHECK(bot[2].text == "I have 9:00 or 2:30 open on Tuesday.");
  CHECK(bot[2].at_us == t_2025_10_06_01_44_09_485);
  auto ctx = of_kind(r, signal_kind::user_context_text);
  REQUIRE(ctx.size() == 1); // the greeting and post-tool dumps end otherwise
  CHECK(ctx[0].text == "I'd like to book a cleaning for next Tuesday.");
  CHECK(count(r, signal_kind::interruption) == 1);
  CHECK(count(r, signal_kind::ttfb) == 3);
  CHECK(count(r, signal_kind::warning) == 1);
  CHECK(count(r, signal_kind::error) == 1);
  CHECK(count(r, signal_kind::latency_summary) == 1);
  CHECK(count(r, signal_kind::pipeline_finished) == 2);
  auto calls = of_kind(r, signal_kind::function_call);
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].text == "check_availability");
  CHECK(calls[0].detail == "{'day': 'Tuesday', 'service': 'cleaning'}");
}

TEST_CASE("fixture: Pipecat Cloud session ids", "[gateway][fixture]") {
  auto r = parse(read_fixture("pipecat_cloud.log"), options("ignored"));
  check_totals(r);
  CHECK(r.totals.lines == 44);
  CHECK(r.totals.kept == 23);
  CHECK_FALSE(r.used_generated_call_id);
  for (const auto& s : r.signals)
    CHECK(s.call_id == "3b7e0d52-6f0a-4c1e-9d4b-2a8f61c95e07");
  auto ctx = of_kind(r, signal_kind::user_context_text);
  REQUIRE(ctx.size() == 2);
  CHECK(ctx[1].text == "My router's light is blinking red since this morning.");
  auto errors = of_kind(r, signal_kind::error);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 35);
  CHECK(errors[0].detail.rfind(
          "websockets.exceptions.ConnectionClosedError: received 1008", 0)
        == 0);
  auto ttfb = of_kind(r, signal_kind::ttfb);
  REQUIRE(ttfb.size() == 3);
  CHECK(ttfb[0].value_s == Approx(0.344));
  CHECK(count(r, signal_kind::interruption) == 1);
  CHECK(of_kind(r, signal_kind::llm_usage)[0].prompt_tokens == 38);
  // `, cache read input tokens: 0`: said, and nothing was cached.
  CHECK(of_kind(r, signal_kind::llm_usage)[0].cached_tokens == 0);
}

TEST_CASE("fixture: journald and log-viewer prefixes", "[gateway][fixture]") {
  auto r = parse(read_fixture("journald_prefixed.log"));
  check_totals(r);
  CHECK(r.totals.lines == 30);
  CHECK(r.totals.kept == 14);
  auto user = of_kind(r, signal_kind::user_text);
  REQUIRE(user.size() == 1);
  CHECK(user[0].text == "What time do you open tomorrow?");
  CHECK(user[0].at_us == 1763534381434000);
  auto bot = of_kind(r, signal_kind::bot_text);
  REQUIRE(bot.size() == 1);
  CHECK(bot[0].service == "PiperTTSService#0");
  auto errors = of_kind(r, signal_kind::error);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].detail.rfind("openai.RateLimitError: Error code: 429", 0)
        == 0);
  CHECK(count(r, signal_kind::idle_detected) == 1);
  CHECK(count(r, signal_kind::warning) == 0);
}

TEST_CASE("fixture: ISO timestamps with a Twilio CallSid",
          "[gateway][fixture]") {
  auto r = parse(read_fixture("twilio_callsid_sink.log"));
  check_totals(r);
  CHECK(r.totals.lines == 25);
  CHECK(r.totals.kept == 17);
  CHECK_FALSE(r.used_generated_call_id);
  for (const auto& s : r.signals)
    CHECK(s.call_id == "CA16f3a0c2b9e84d7aa1b2c3d4e5f60718");
  auto ctx = of_kind(r, signal_kind::user_context_text);
  REQUIRE(ctx.size() == 2);
  CHECK(ctx[0].text == "Hi, I need to move my appointment.");
  CHECK(ctx[1].text == "Can we do Thursday at 3 instead? \xF0\x9F\x99\x8F");
  CHECK(ctx[1].at_us == 1761667844610000); // +02:00 converted
  auto calls = of_kind(r, signal_kind::function_call);
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].text == "reschedule");
  CHECK(calls[1].text == "end_call");
}

TEST_CASE("fixture: stdlib, uvicorn and gunicorn mixed in",
          "[gateway][fixture]") {
  auto r = parse(read_fixture("uvicorn_stdlib_mixed.log"));
  check_totals(r);
  CHECK(r.totals.lines == 31);
  CHECK(r.totals.kept == 8);
  CHECK(r.totals.dead_lettered == 0);
  CHECK(kinds(r.signals)
        == std::vector<signal_kind>{signal_kind::pipeline_started,
                                    signal_kind::error, signal_kind::error,
                                    signal_kind::user_started_speaking,
                                    signal_kind::user_stopped_speaking,
                                    signal_kind::bot_started_speaking,
                                    signal_kind::fatal_error,
                                    signal_kind::pipeline_cancelled});
  auto fatal = of_kind(r, signal_kind::fatal_error);
  CHECK(fatal[0].detail == "KeyError: 'text'");
}

TEST_CASE("fixture: Pipecat 0.0.50 forms", "[gateway][fixture]") {
  auto r = parse(read_fixture("legacy_0_0_50.log"));
  check_totals(r);
  CHECK(r.totals.lines == 23);
  CHECK(r.totals.kept == 19);
  auto ctx = of_kind(r, signal_kind::user_context_text);
  REQUIRE(ctx.size() == 2);
  CHECK(ctx[1].text == "What's the weather like in Paris?");
  auto user = of_kind(r, signal_kind::user_text);
  REQUIRE(user.size() == 1);
  CHECK(user[0].detail == "7c2e8f1a-44b0-4c1d-9a57-6b9d2c0e1f3a");
  CHECK(of_kind(r, signal_kind::bot_text).size() == 2);
  CHECK(count(r, signal_kind::interruption) == 1);
  CHECK(of_kind(r, signal_kind::interruption)[0].at_us == 1733130725011000);
  CHECK(count(r, signal_kind::fatal_error) == 1);
}

TEST_CASE("fixture: Pipecat 1.x workers", "[gateway][fixture]") {
  auto r = parse(read_fixture("pipecat_1x.log"));
  check_totals(r);
  CHECK(r.totals.lines == 33);
  CHECK(r.totals.kept == 21);
  auto started = of_kind(r, signal_kind::pipeline_started);
  REQUIRE(started.size() == 1);
  CHECK(started[0].service == "support-bot");
  auto irq = of_kind(r, signal_kind::interruption);
  REQUIRE(irq.size() == 1); // broadcast + worker frame halves are one
  CHECK(irq[0].at_us == 1770732306211000);
  CHECK(of_kind(r, signal_kind::user_context_text)[0].text
        == "Can you check order 5512?");
  CHECK(of_kind(r, signal_kind::ttfa)[0].value_s == Approx(0.35));
  CHECK(of_kind(r, signal_kind::stt_usage)[0].value_s == Approx(12.345));
  CHECK(count(r, signal_kind::idle_detected) == 1);
  CHECK(count(r, signal_kind::warning) == 0);
  CHECK(count(r, signal_kind::pipeline_finished) == 2);
}

TEST_CASE("fixture: two calls interleaved", "[gateway][fixture]") {
  auto r = parse(read_fixture("interleaved_calls.log"));
  check_totals(r);
  CHECK(r.totals.lines == 30);
  CHECK(r.totals.kept == 22);
  auto a = of_call(r, "0f8e2a61-3c4d-4b5e-8f70-91a2b3c4d5e6");
  auto b = of_call(r, "7d6c5b4a-3928-4716-a5b4-c3d2e1f0a9b8");
  CHECK(a.size() + b.size() == r.signals.size());
  CHECK(a.size() == 12);
  CHECK(b.size() == 10);
  auto ctx_b = std::find_if(b.begin(), b.end(), [](const signal& s) {
    return s.kind == signal_kind::user_context_text;
  });
  REQUIRE(ctx_b != b.end());
  CHECK(ctx_b->text == "I want to change my flight.");
  auto err = std::find_if(b.begin(), b.end(), [](const signal& s) {
    return s.kind == signal_kind::error;
  });
  REQUIRE(err != b.end());
  CHECK(err->detail == "httpx.ReadTimeout: timed out");
  CHECK(std::none_of(a.begin(), a.end(), [](const signal& s) {
    return s.kind == signal_kind::error;
  }));
}

TEST_CASE("fixtures are mostly noise, never dead letters",
          "[gateway][fixture]") {
  const char* names[] = {"loguru_default.log",      "pipecat_cloud.log",
                         "journald_prefixed.log",   "twilio_callsid_sink.log",
                         "uvicorn_stdlib_mixed.log", "legacy_0_0_50.log",
                         "pipecat_1x.log",          "interleaved_calls.log"};
  for (auto name : names) {
    INFO(name);
    auto r = parse(read_fixture(name));
    CHECK(r.dead_letters.empty());
    CHECK(r.totals.lines > 0);
    CHECK(std::is_sorted(r.signals.begin(), r.signals.end(),
                         [](const signal& x, const signal& y) {
                           return x.line < y.line;
                         }));
  }
}
