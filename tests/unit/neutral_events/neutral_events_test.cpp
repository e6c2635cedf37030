#include "gateway/neutral_events.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace sb;
using namespace sb::gateway;

namespace {

/// 2025-10-06T01:44:09.485Z
constexpr std::int64_t t0_us = 1759715049485000;

struct outcome {
  bool ok = false;
  std::vector<signal> signals;
  std::string error;
  std::size_t index = 0;
};

outcome parse(const std::string& json) {
  outcome o;
  o.ok = parse_neutral_events(json, o.signals, o.error, o.index);
  return o;
}

/// Parses one item that must be valid.
signal one(const std::string& item) {
  auto o = parse("[" + item + "]");
  INFO(o.error);
  REQUIRE(o.ok);
  REQUIRE(o.signals.size() == 1);
  return o.signals[0];
}

/// Parses one item that must be rejected; returns the message.
std::string bad(const std::string& item) {
  auto o = parse("[" + item + "]");
  CHECK_FALSE(o.ok);
  CHECK(o.index == 0);
  CHECK(o.signals.empty());
  return o.error;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("lifecycle types map to signal kinds", "[neutral_events]") {
  struct mapping {
    const char* type;
    signal_kind kind;
  };
  for (auto m : {mapping{"queued", signal_kind::call_queued},
                 mapping{"ringing", signal_kind::call_ringing},
                 mapping{"answered", signal_kind::call_answered},
                 mapping{"declined", signal_kind::call_declined},
                 mapping{"missed", signal_kind::call_missed},
                 mapping{"hungup", signal_kind::call_hungup},
                 mapping{"failed", signal_kind::call_failed},
                 mapping{"user_text", signal_kind::user_text},
                 mapping{"bot_text", signal_kind::bot_text},
                 mapping{"user_started_speaking",
                         signal_kind::user_started_speaking},
                 mapping{"call_hungup", signal_kind::call_hungup},
                 mapping{"llm_usage", signal_kind::llm_usage}}) {
    CAPTURE(m.type);
    auto s = one(std::string{R"({"call_id":"c","at":1,"type":")"} + m.type
                 + "\"}");
    CHECK(s.kind == m.kind);
  }
  auto r = one(R"({"call_id":"c","at":1,"type":"recording_ready",
                   "url":"https://x/rec.wav"})");
  CHECK(r.kind == signal_kind::recording_ready);
  CHECK(r.detail == "https://x/rec.wav");
  CHECK(contains(bad(R"({"call_id":"c","at":1,"type":"Ringing"})"),
                 "unknown type"));
  CHECK(contains(bad(R"({"call_id":"c","at":1,"type":"unknown"})"),
                 "unknown type"));
}

TEST_CASE("signals keep order, call ids and 1-based positions",
          "[neutral_events]") {
  auto o = parse(R"([
    {"call_id":"a","type":"ringing","at":1759715049485},
    {"call_id":"b","type":"answered","at":1759715049486},
    {"call_id":"a","type":"hungup","at":1759715049487,"reason":"busy"}
  ])");
  REQUIRE(o.ok);
  REQUIRE(o.signals.size() == 3);
  CHECK(o.signals[0].call_id == "a");
  CHECK(o.signals[1].call_id == "b");
  CHECK(o.signals[2].call_id == "a");
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(o.signals[i].line == i + 1);
    CHECK(o.signals[i].at_us == t0_us + static_cast<std::int64_t>(i) * 1000);
  }
  CHECK(o.signals[2].detail == "busy");
}

TEST_CASE("at accepts ISO 8601 with a zone and epoch milliseconds",
          "[neutral_events]") {
  auto at = [](const std::string& value) {
    return one(R"({"call_id":"c","type":"ringing","at":)" + value + "}")
      .at_us;
  };
  CHECK(at("1759715049485") == t0_us);
  CHECK(at("1759715049485.5") == t0_us + 500);
  CHECK(at(R"("2025-10-06T01:44:09.485Z")") == t0_us);
  CHECK(at(R"("2025-10-06t01:44:09.485z")") == t0_us);
  CHECK(at(R"("2025-10-06 01:44:09.485Z")") == t0_us);
  CHECK(at(R"("2025-10-06T03:44:09.485+02:00")") == t0_us);
  CHECK(at(R"("2025-10-05T20:44:09.485-0500")") == t0_us);
  CHECK(at(R"("2025-10-06T01:44:09.485+00")") == t0_us);
  CHECK(at(R"("2025-10-06T01:44:09.485123456Z")") == t0_us + 123);
  CHECK(at(R"("2025-10-06T01:44:09,485Z")") == t0_us);
  CHECK(at(R"("2025-10-06T01:44Z")") == t0_us - 9485000);
  CHECK(at(R"("2024-02-29T00:00:00Z")") == 1709164800000000);
  for (auto value :
       {R"("2025-10-06T01:44:09.485")", R"("2025-10-06")",
        R"("2025-13-01T00:00:00Z")", R"("2025-02-29T00:00:00Z")",
        R"("2025-10-06T24:00:00Z")", R"("2025-10-06T01:60:00Z")",
        R"("2025-10-06T01:44:09.Z")", R"("2025-10-06T01:44:09Zjunk")",
        R"("2025-10-06T01:44:09+25:00")", R"("1969-12-31T23:59:59Z")",
        R"("")", "0", "-5", "253402300800000", "true", "[1]",
        R"("1759715049485")"}) {
    CAPTURE(value);
    CHECK(contains(bad(R"({"call_id":"c","type":"ringing","at":)"
                       + std::string{value} + "}"),
                   "at:"));
  }
}

TEST_CASE("call_id is required, a string of 1..128 bytes",
          "[neutral_events]") {
  CHECK(one(R"({"call_id":")" + std::string(128, 'c')
            + R"(","type":"ringing","at":1})")
          .call_id.size()
        == 128);
  CHECK(contains(bad(R"({"type":"ringing","at":1})"), "call_id: missing"));
  CHECK(contains(bad(R"({"call_id":null,"type":"ringing","at":1})"),
                 "call_id: missing"));
  CHECK(contains(bad(R"({"call_id":42,"type":"ringing","at":1})"),
                 "call_id"));
  CHECK(contains(bad(R"({"call_id":"","type":"ringing","at":1})"),
                 "call_id"));
  CHECK(contains(bad(R"({"call_id":")" + std::string(129, 'c')
                     + R"(","type":"ringing","at":1})"),
                 "call_id"));
  CHECK(contains(bad(R"({"call_id":"a\nb","type":"ringing","at":1})"),
                 "control"));
}

TEST_CASE("answered and queued pack call details into compact JSON",
          "[neutral_events]") {
  auto s = one(R"({"call_id":"c","type":"answered","at":1,
                   "direction":"outbound","from":"+1555","to":"+4930",
                   "campaign":"spring","language":"de","reason":"x"})");
  CHECK(s.detail
        == R"({"campaign":"spring","direction":"outbound","from":"+1555",)"
           R"("language":"de","to":"+4930"})");
  CHECK(one(R"({"call_id":"c","type":"queued","at":1,"direction":"web"})")
          .detail
        == R"({"direction":"web"})");
  CHECK(one(R"({"call_id":"c","type":"answered","at":1})").detail.empty());
  CHECK(contains(bad(R"({"call_id":"c","type":"answered","at":1,
                         "direction":"sideways"})"),
                 "direction"));
  CHECK(contains(bad(R"({"call_id":"c","type":"queued","at":1,"to":5})"),
                 "to: not a string"));
  // Not packed for other types.
  CHECK(one(R"({"call_id":"c","type":"ringing","at":1,"direction":"web"})")
          .detail.empty());
}

TEST_CASE("reason, url and detail fill detail by type", "[neutral_events]") {
  for (auto type : {"hungup", "failed", "declined", "missed"}) {
    CAPTURE(type);
    auto s = one(std::string{R"({"call_id":"c","at":1,"type":")"} + type
                 + R"(","reason":"no_answer"})");
    CHECK(s.detail == "no_answer");
  }
  CHECK(one(R"({"call_id":"c","type":"hungup","at":1})").detail.empty());
  CHECK(contains(bad(R"({"call_id":"c","type":"hungup","at":1,
                         "reason":")" + std::string(129, 'r') + "\"}"),
                 "reason"));
  CHECK(contains(bad(R"({"call_id":"c","type":"failed","at":1,"reason":1})"),
                 "reason: not a string"));
  CHECK(contains(bad(R"({"call_id":"c","type":"recording_ready","at":1})"),
                 "url"));
  auto f = one(R"({"call_id":"c","type":"function_call","at":1,
                   "text":"lookup","detail":"{\"q\":1}"})");
  CHECK(f.text == "lookup");
  CHECK(f.detail == R"({"q":1})");
  // reason does not apply to ringing: ignored.
  CHECK(one(R"({"call_id":"c","type":"ringing","at":1,"reason":"x"})")
          .detail.empty());
}

TEST_CASE("text, service and numbers are copied and checked",
          "[neutral_events]") {
  auto s = one(R"({"call_id":"c","type":"llm_usage","at":1,
                   "service":"OpenAILLMService#0","prompt_tokens":120,
                   "completion_tokens":30,"characters":0,"value_s":0.25,
                   "text":"Grüße"})");
  CHECK(s.service == "OpenAILLMService#0");
  CHECK(s.prompt_tokens == 120);
  CHECK(s.completion_tokens == 30);
  CHECK(s.value_s == Approx(0.25));
  CHECK(s.text == "Grüße");
  CHECK(contains(bad(R"({"call_id":"c","type":"ttfb","at":1,"value_s":-1})"),
                 "value_s"));
  CHECK(contains(bad(R"({"call_id":"c","type":"ttfb","at":1,"value_s":"1"})"),
                 "value_s"));
  CHECK(contains(
          bad(R"({"call_id":"c","type":"llm_usage","at":1,
                  "prompt_tokens":1.5})"),
          "prompt_tokens"));
  CHECK(contains(
          bad(R"({"call_id":"c","type":"tts_usage","at":1,"characters":-3})"),
          "characters"));
  CHECK(contains(bad(R"({"call_id":"c","type":"user_text","at":1,"text":7})"),
                 "text"));
  // Unknown fields are ignored.
  CHECK(one(R"({"call_id":"c","type":"ringing","at":1,"future":{"x":1}})")
          .kind
        == signal_kind::call_ringing);
}

TEST_CASE("documents that are not arrays fail without an index",
          "[neutral_events]") {
  for (const std::string& doc :
       std::vector<std::string>{"", "nope", "{}", "\"x\"", "[1,",
                                "[\"\xff\"]", std::string("[\0]", 3)}) {
    CAPTURE(doc);
    auto o = parse(doc);
    CHECK_FALSE(o.ok);
    CHECK(o.index == no_index);
    CHECK_FALSE(o.error.empty());
  }
  auto empty = parse("[]");
  CHECK(empty.ok);
  CHECK(empty.signals.empty());
}

TEST_CASE("the first bad item fails the whole document", "[neutral_events]") {
  std::vector<signal> out(1); // what was there stays untouched
  std::string error;
  std::size_t index = 0;
  auto ok = parse_neutral_events(
    R"([{"call_id":"c","type":"ringing","at":1},
        {"call_id":"c","type":"ringing","at":1},
        7,
        {"call_id":"c","type":"nope","at":1}])",
    out, error, index);
  CHECK_FALSE(ok);
  CHECK(index == 2);
  CHECK(out.size() == 1);
  CHECK(contains(error, "item 2"));
  CHECK(contains(error, "not an object"));
}

TEST_CASE("deeply nested input does not crash", "[neutral_events]") {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  auto o = parse(deep);
  CHECK_FALSE(o.ok);
  CHECK(o.index == 0);
  std::string unclosed(200000, '[');
  CHECK_FALSE(parse(unclosed).ok);
}

TEST_CASE("success appends to what out already holds", "[neutral_events]") {
  std::vector<signal> out(2);
  std::string error;
  std::size_t index = 0;
  REQUIRE(parse_neutral_events(R"([{"call_id":"c","type":"ringing","at":1}])",
                               out, error, index));
  CHECK(out.size() == 3);
  CHECK(out[2].call_id == "c");
}
