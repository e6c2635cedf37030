// Texts of any size become events that fit one NATS message: the pipeline
// cuts a text at max_text_bytes with a marker, and a turn stops growing at
// the same limit (README "Limits").

#include "call_test_util.hpp"

#include <catch2/catch.hpp>

using namespace sb;
using namespace sb::call;
using namespace sb::call::test;

namespace {

/// Well under nats-server's default max_payload of 1 MiB.
constexpr std::size_t event_budget = 600 * 1024;

driver started_call() {
  driver d;
  d.feed(sig(signal_kind::pipeline_started, 0, {}, "PipelineRunner#0"));
  return d;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size()
         && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

/// `n` words of text: "w0 w1 w2 ..." up to about `bytes`.
std::string words(std::size_t bytes) {
  std::string out;
  for (std::size_t i = 0; out.size() < bytes; ++i)
    out += (out.empty() ? "w" : " w") + std::to_string(i);
  out.resize(bytes);
  return out;
}

} // namespace

TEST_CASE("a huge utterance is cut with a marker that gives its size") {
  auto d = started_call();
  auto text = words(3 << 20);
  auto events = d.feed(user_says(100, text));
  auto spoke = only<user_spoke>(events);
  CHECK(spoke.text.size() <= max_text_bytes);
  CHECK(spoke.text.size() > max_text_bytes - 128);
  CHECK(text.rfind(spoke.text.substr(0, 1000), 0) == 0);
  CHECK(ends_with(spoke.text, " [truncated from " + std::to_string(text.size())
                                + " bytes]"));
  for (const auto& e : d.log)
    CHECK(encode(e).size() < event_budget);
}

TEST_CASE("a cut never splits a character") {
  auto d = started_call();
  std::string text;
  while (text.size() < max_text_bytes + 10)
    text += "\xC3\xA9t\xC3\xA9 "; // "été " in UTF-8
  auto spoke = only<user_spoke>(d.feed(user_says(100, text)));
  auto marker = spoke.text.find(" [truncated");
  REQUIRE(marker != std::string::npos);
  auto kept = spoke.text.substr(0, marker);
  // What is kept is a prefix of whole characters.
  CHECK(text.rfind(kept, 0) == 0);
  auto last = static_cast<unsigned char>(kept.back());
  CHECK((last & 0xC0) != 0xC0); // not a lead byte left alone
  CHECK(last != 0xC3);
}

TEST_CASE("a long monologue stops growing at the limit and says so") {
  auto d = started_call();
  std::string sentence(700, 'a');
  std::size_t parts = 0;
  for (int n = 0; n < 1400; ++n) {
    auto events = d.feed(bot_says(100 + n, sentence));
    parts += count_of<agent_spoke>(events);
  }
  // The turn holds what fits, then the marker; later parts are dropped.
  CHECK(d.state.turn.text.size() <= max_text_bytes);
  CHECK(ends_with(d.state.turn.text,
                  " [truncated: the turn is longer than 256 KiB]"));
  CHECK(parts < 400);
  CHECK(parts == d.state.turn.parts);
  // The call goes on as before: the user's turn opens, the end closes it.
  auto user = d.feed(user_says(5000, "Stop."));
  CHECK(only<turn_completed>(user).turn == 1);
  CHECK(only<user_spoke>(user).text == "Stop.");
  auto end = d.feed(finished(6000));
  CHECK(count_of<call_ended>(end) == 1);
  CHECK(d.state.turn.number == 2);
  for (const auto& e : d.log)
    CHECK(encode(e).size() < event_budget);
}

TEST_CASE("turns under the limit are untouched") {
  auto d = started_call();
  std::string sentence(700, 'b');
  for (int n = 0; n < 300; ++n) {
    d.feed(user_says(100 + n * 10, "Question?"));
    d.feed(bot_says(105 + n * 10, sentence));
  }
  auto agents = all_of<agent_spoke>(d.log);
  REQUIRE(agents.size() == 300);
  for (const auto& a : agents)
    CHECK(a.text == sentence);
  CHECK(all_of<user_spoke>(d.log).size() == 300);
}

TEST_CASE("a context dump repeating a cut transcription is the same turn") {
  auto d = started_call();
  auto text = words(400 * 1024);
  d.feed(user_says(100, text));
  d.feed(bot_says(200, "Noted."));
  d.feed(context_says(300, text));
  CHECK(all_of<user_spoke>(d.log).size() == 1);
}

TEST_CASE("every event of a signal with huge fields fits one message") {
  auto huge = std::string(2 << 20, 'z');
  std::vector<signal> signals = {
    sig(signal_kind::function_call, 100, huge, huge, huge),
    sig(signal_kind::function_result, 200, huge, huge, huge),
    sig(signal_kind::error, 300, huge, huge, huge),
    sig(signal_kind::warning, 400, huge, huge, huge),
    metric(signal_kind::ttfb, 500, huge, 0.2),
    sig(signal_kind::llm_usage, 600, {}, huge),
    sig(signal_kind::bot_text, 700, huge, huge),
    sig(signal_kind::recording_ready, 800, {}, {}, huge),
    sig(signal_kind::call_failed, 900, {}, {}, huge),
  };
  auto d = started_call();
  for (const auto& s : signals) {
    INFO(to_string(s.kind));
    auto events = d.feed(s);
    CHECK_FALSE(events.empty());
    for (const auto& e : events)
      CHECK(encode(e).size() < event_budget);
  }
  auto tool = all_of<tool_invoked>(d.log).at(0);
  CHECK(tool.name.size() <= max_name_bytes);
  CHECK(tool.arguments.size() <= max_text_bytes);
  CHECK(tool.arguments.find("[truncated from 2097152 bytes]")
        != std::string::npos);
  CHECK(only<call_ended>(d.log).end_reason.size() <= max_name_bytes);
}

TEST_CASE("provider details of any size fit the call_started event") {
  driver d;
  auto huge = std::string(2 << 20, 'c');
  auto s = sig(signal_kind::call_answered, 0, {}, {},
               R"({"campaign":")" + huge + R"(","from":")" + huge + R"("})");
  auto events = d.feed(s);
  auto started = only<call_started>(events);
  CHECK(started.campaign.size() <= max_name_bytes);
  CHECK(started.from.size() <= max_name_bytes);
  for (const auto& e : events)
    CHECK(encode(e).size() < event_budget);
}

TEST_CASE("cuts are counted") {
  auto before = text_cuts();
  auto d = started_call();
  d.feed(user_says(100, words(1 << 20)));
  d.feed(bot_says(200, words(200 * 1024)));
  d.feed(bot_says(300, words(200 * 1024))); // cut: the turn is full
  d.feed(bot_says(400, "dropped"));
  auto after = text_cuts();
  CHECK(after.texts_cut - before.texts_cut == 2);
  CHECK(after.parts_dropped - before.parts_dropped == 1);
}
