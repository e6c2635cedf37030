// to_json_line: one compact JSON object per signal.

#include "gateway_test_support.hpp"

#include <nlohmann/json.hpp>

using namespace sb;
using namespace sb::gateway;
using namespace sb::gateway::test;

TEST_CASE("to_json_line writes only the fields that carry something",
          "[gateway][json]") {
  signal s;
  s.call_id = "c-1";
  s.kind = signal_kind::bot_started_speaking;
  s.at_us = t_2025_10_06_01_44_09_485 + 999; // µs are cut, not rounded
  s.line = 7;
  CHECK(to_json_line(s)
        == R"({"call_id":"c-1","kind":"bot_started_speaking",)"
           R"("at":"2025-10-06T01:44:09.485Z","line":7})");
}

TEST_CASE("to_json_line with every optional field", "[gateway][json]") {
  signal s;
  s.call_id = "c-2";
  s.kind = signal_kind::llm_usage;
  s.at_us = 0;
  s.line = 1;
  s.service = "OpenAILLMService#0";
  s.text = "quote \" and caf\xC3\xA9";
  s.detail = "d";
  s.value_s = 0.25;
  s.prompt_tokens = 141;
  s.completion_tokens = 75;
  s.cached_tokens = 64;
  s.characters = 3;
  auto j = nlohmann::json::parse(to_json_line(s));
  CHECK(j["at"] == "1970-01-01T00:00:00.000Z");
  CHECK(j["kind"] == "llm_usage");
  CHECK(j["service"] == "OpenAILLMService#0");
  CHECK(j["text"] == "quote \" and caf\xC3\xA9");
  CHECK(j["detail"] == "d");
  CHECK(j["value_s"] == 0.25);
  CHECK(j["prompt_tokens"] == 141);
  CHECK(j["completion_tokens"] == 75);
  CHECK(j["characters"] == 3);
  CHECK(j["cached_tokens"] == 64);
  CHECK(j.size() == 12);
}

TEST_CASE("to_json_line of parsed signals round-trips", "[gateway][json]") {
  auto r = parse(debug("OpenAILLMService#0 TTFB: 0.104s"));
  REQUIRE(r.signals.size() == 1);
  auto line = to_json_line(r.signals[0]);
  CHECK(line.find('\n') == std::string::npos);
  auto j = nlohmann::json::parse(line);
  CHECK(j["call_id"] == "gen-1");
  CHECK(j["kind"] == "ttfb");
  CHECK(j["at"] == "2025-10-06T01:44:09.485Z");
  CHECK(j["line"] == 1);
  CHECK(j["value_s"] == Approx(0.104));
  CHECK_FALSE(j.contains("text"));
}
