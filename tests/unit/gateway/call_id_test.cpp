// Which call a line belongs to: the id on the line, the request's id, the
// most recent explicit id of the request, or the generated id.

#include "gateway_test_support.hpp"

using namespace sb;
using namespace sb::gateway;
using namespace sb::gateway::test;

namespace {

const std::string uuid_a = "0f8e2a61-3c4d-4b5e-8f70-91a2b3c4d5e6";
const std::string uuid_b = "7d6c5b4a-3928-4716-a5b4-c3d2e1f0a9b8";
const std::string sid = "CA16f3a0c2b9e84d7aa1b2c3d4e5f60718";

std::string cloud(const std::string& id, std::string_view msg,
                  std::string_view time = "2025-11-02 18:30:00.101") {
  std::string s{time};
  s += " | DEBUG    | pipecat.x:f:1 | ";
  s += id;
  s += " - ";
  s += msg;
  return s;
}

std::string sink(const std::string& id, std::string_view msg) {
  return "2025-10-28T16:10:39.554+0000 - DEBUG - " + id + " - "
         + std::string{msg};
}

} // namespace

TEST_CASE("call id precedence", "[gateway][call_id]") {
  SECTION("the session uuid on the line first") {
    auto s = one(cloud(uuid_a, "Bot started speaking"), options("req"));
    CHECK(s.call_id == uuid_a);
  }
  SECTION("then a CallSid field") {
    auto s = one(sink(sid, "Bot started speaking"), options("req"));
    CHECK(s.call_id == sid);
  }
  SECTION("then the request's call id") {
    auto r = parse(debug("Bot started speaking"), options("req-42"));
    REQUIRE(r.signals.size() == 1);
    CHECK(r.signals[0].call_id == "req-42");
    CHECK_FALSE(r.used_generated_call_id);
  }
  SECTION("the request's id beats an earlier explicit id") {
    auto r = parse(cloud(uuid_a, "Bot started speaking") + "\n"
                     + debug("Bot stopped speaking"),
                   options("req-42"));
    REQUIRE(r.signals.size() == 2);
    CHECK(r.signals[0].call_id == uuid_a);
    CHECK(r.signals[1].call_id == "req-42");
  }
  SECTION("then the most recent explicit id seen in the request") {
    auto r = parse(cloud(uuid_a, "Bot started speaking") + "\n"
                   + cloud(uuid_b, "Linking A#0 -> B#0") + "\n"
                   + debug("Bot stopped speaking") + "\n"
                   + sink(sid, "Linking C#0 -> D#0") + "\n"
                   + debug("User started speaking"));
    REQUIRE(r.signals.size() == 3);
    CHECK(r.signals[0].call_id == uuid_a);
    // The noise line of call b was the most recent explicit id.
    CHECK(r.signals[1].call_id == uuid_b);
    CHECK(r.signals[2].call_id == sid);
    CHECK_FALSE(r.used_generated_call_id);
  }
  SECTION("otherwise the generated id") {
    auto r = parse(debug("Bot started speaking"), options("", "gen-77"));
    REQUIRE(r.signals.size() == 1);
    CHECK(r.signals[0].call_id == "gen-77");
    CHECK(r.used_generated_call_id);
  }
  SECTION("the generated id is used only if a signal needs it") {
    auto r = parse(debug("Linking A#0 -> B#0") + "\n"
                   + cloud(uuid_a, "Bot started speaking"));
    CHECK_FALSE(r.used_generated_call_id);
  }
  SECTION("a traceback belongs to its error's call") {
    auto r = parse(cloud(uuid_a, "Bot started speaking") + "\n"
                   + "2025-11-02 18:30:01.000 | ERROR    | pipecat.x:f:1 | "
                   + uuid_b
                   + " - X#1 error: boom\n"
                     "Traceback (most recent call last):\n"
                     "ValueError: boom\n");
    REQUIRE(r.signals.size() == 2);
    CHECK(r.signals[1].call_id == uuid_b);
    CHECK(r.signals[1].detail == "ValueError: boom");
  }
}

TEST_CASE("interleaved calls in one body are separated by id",
          "[gateway][call_id]") {
  auto body = cloud(uuid_a, "Runner PipelineRunner#0 started running "
                            "PipelineTask#0",
                    "2025-11-02 18:30:00.101")
              + "\n"
              + cloud(uuid_b, "Runner PipelineRunner#1 started running "
                              "PipelineTask#1",
                      "2025-11-02 18:30:00.520")
              + "\n"
              + cloud(uuid_a, "CartesiaTTSService#0: Generating TTS [Welcome "
                              "to Acme Bank.]",
                      "2025-11-02 18:30:01.200")
              + "\n"
              + cloud(uuid_b, "CartesiaTTSService#1: Generating TTS [Thanks "
                              "for calling Acme Travel.]",
                      "2025-11-02 18:30:01.210")
              + "\n"
              + cloud(uuid_b, "LLMUserAggregator#1: broadcasting "
                              "interruption",
                      "2025-11-02 18:30:02.000")
              + "\n"
              + cloud(uuid_a, "LLMUserAggregator#0: broadcasting "
                              "interruption",
                      "2025-11-02 18:30:02.001")
              + "\n";
  auto r = parse(body, options("req"));
  auto a = of_call(r, uuid_a);
  auto b = of_call(r, uuid_b);
  REQUIRE(a.size() == 3);
  REQUIRE(b.size() == 3);
  CHECK(a[1].text == "Welcome to Acme Bank.");
  CHECK(b[1].text == "Thanks for calling Acme Travel.");
  CHECK(a[2].kind == signal_kind::interruption);
  CHECK(b[2].kind == signal_kind::interruption);
  CHECK(a[0].at_us < a[1].at_us);
  CHECK(b[0].line == 2);
}
