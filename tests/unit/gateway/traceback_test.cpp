// Multi-line records: tracebacks attach to their error; unhandled ones are
// fatal; continuation lines never leak as signals.

#include "gateway_test_support.hpp"

using namespace sb;
using namespace sb::gateway;
using namespace sb::gateway::test;

namespace {

const char* traceback =
  "Traceback (most recent call last):\n"
  "  File \"/app/.venv/lib/python3.12/site-packages/pipecat/services/"
  "elevenlabs/tts.py\", line 598, in _receive_messages\n"
  "    async for message in WebsocketService._get_websocket(self):\n"
  "  File \"/app/.venv/lib/python3.12/site-packages/websockets/asyncio/"
  "connection.py\", line 242, in __aiter__\n"
  "    yield await self.recv()\n"
  "websockets.exceptions.ConnectionClosedError: received 1008 (policy "
  "violation) quota exceeded\n";

std::string error_line() {
  return loguru("2025-10-06 01:44:09.485", "ERROR",
                "pipecat.services.elevenlabs.tts:_receive_messages:611",
                "ElevenLabsTTSService#0 error: Error receiving message from "
                "websocket");
}

} // namespace

TEST_CASE("a traceback after an error line is that error's detail",
          "[gateway][traceback]") {
  auto body = error_line() + "\n" + traceback
              + debug("Bot stopped speaking", "2025-10-06 01:44:10.000")
              + "\n";
  auto r = parse(body);
  REQUIRE(r.signals.size() == 2);
  const auto& e = r.signals[0];
  CHECK(e.kind == signal_kind::error);
  CHECK(e.line == 1);
  CHECK(e.at_us == t_2025_10_06_01_44_09_485);
  CHECK(e.service == "ElevenLabsTTSService#0");
  CHECK(e.text
        == "ElevenLabsTTSService#0 error: Error receiving message from "
           "websocket");
  CHECK(e.detail
        == "websockets.exceptions.ConnectionClosedError: received 1008 "
           "(policy violation) quota exceeded");
  CHECK(r.signals[1].kind == signal_kind::bot_stopped_speaking);
  CHECK(r.signals[1].line == 8);
  CHECK(r.totals.lines == 8);
  CHECK(r.totals.kept == 2);
  CHECK(r.totals.dropped == 6); // the traceback's lines
  check_totals(r);
}

TEST_CASE("the error is emitted when its record ends", "[gateway][traceback]") {
  pipecat_parser p{options()};
  std::vector<signal> out;
  line_report report;
  p.feed(error_line(), out, &report);
  CHECK(out.empty());
  CHECK(report.what == verdict::kept);
  p.feed("Traceback (most recent call last):", out, &report);
  CHECK(report.what == verdict::continuation);
  CHECK(report.reason == "continuation of line 1 (traceback)");
  p.feed("ValueError: boom", out, &report);
  CHECK(out.empty());
  SECTION("at the next timestamped line") {
    p.feed(debug("Bot started speaking"), out, &report);
    REQUIRE(out.size() == 2);
    CHECK(out[0].kind == signal_kind::error);
    CHECK(out[0].detail == "ValueError: boom");
    CHECK(out[1].kind == signal_kind::bot_started_speaking);
  }
  SECTION("or at finish()") {
    p.finish(out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].detail == "ValueError: boom");
  }
}

TEST_CASE("continuation lines never become signals of their own",
          "[gateway][traceback]") {
  // Lines that would be kept if they had a header.
  auto r = parse(error_line()
                 + "\nBot started speaking\n"
                   "Transcription: [not a transcription]\n"
                   "Generating TTS [not TTS]\n"
                   "RuntimeError: boom\n");
  REQUIRE(r.signals.size() == 1);
  CHECK(r.signals[0].kind == signal_kind::error);
  CHECK(r.signals[0].detail == "RuntimeError: boom");
  CHECK(r.totals.dropped == 4);
}

TEST_CASE("chained exceptions: the last exception line wins",
          "[gateway][traceback]") {
  auto r = parse(error_line()
                 + "\nTraceback (most recent call last):\n"
                   "  File \"a.py\", line 1, in f\n"
                   "KeyError: 'text'\n"
                   "\n"
                   "During handling of the above exception, another exception "
                   "occurred:\n"
                   "\n"
                   "Traceback (most recent call last):\n"
                   "  File \"a.py\", line 3, in g\n"
                   "asyncio.exceptions.CancelledError\n");
  REQUIRE(r.signals.size() == 1);
  CHECK(r.signals[0].detail == "asyncio.exceptions.CancelledError");
}

TEST_CASE("loguru's diagnose output ends in the exception line",
          "[gateway][traceback]") {
  auto r = parse(
    loguru("2025-10-06 01:44:09.485", "ERROR", "pipecat.x:f:1",
           "OpenAILLMService#0 exception (base_llm.py:330): division by zero")
    + "\nTraceback (most recent call last):\n"
      "> File \"/app/bot.py\", line 88, in <module>\n"
      "    x = 1 / 0\n"
      "    \xE2\x94\x94 0\n"
      "ZeroDivisionError: division by zero\n");
  REQUIRE(r.signals.size() == 1);
  CHECK(r.signals[0].kind == signal_kind::error);
  CHECK(r.signals[0].detail == "ZeroDivisionError: division by zero");
}

TEST_CASE("a traceback after no error line is an unhandled exception",
          "[gateway][traceback]") {
  SECTION("after an ordinary line") {
    auto r = parse(debug("PipelineTask#0: Closing.") + "\n" + traceback);
    REQUIRE(r.signals.size() == 1);
    const auto& s = r.signals[0];
    CHECK(s.kind == signal_kind::fatal_error);
    CHECK(s.text == "unhandled exception");
    CHECK(s.line == 2); // the Traceback line
    CHECK(s.at_us == t_2025_10_06_01_44_09_485);
    CHECK(s.detail
          == "websockets.exceptions.ConnectionClosedError: received 1008 "
             "(policy violation) quota exceeded");
    CHECK(r.totals.kept == 1);
    CHECK(r.totals.dropped == 6);
  }
  SECTION("at the start of the body: time from the next record") {
    auto r = parse(std::string{traceback}
                   + debug("Bot started speaking", "2025-10-06 01:44:10.000"));
    REQUIRE(r.signals.size() == 2);
    CHECK(r.signals[0].kind == signal_kind::fatal_error);
    CHECK(r.signals[0].line == 1);
    CHECK(r.signals[0].at_us == t_2025_10_06_01_44_09_485 + 515000);
  }
  SECTION("asyncio's 'Task exception was never retrieved'") {
    auto r = parse("2025-03-19 16:15:55,771 - ERROR - Task exception was "
                   "never retrieved\n"
                   "future: <Task finished name='Task-231' coro=<f() done> "
                   "exception=KeyError('text')>\n"
                   "Traceback (most recent call last):\n"
                   "  File \"daily.py\", line 684, in f\n"
                   "KeyError: 'text'\n");
    REQUIRE(r.signals.size() == 1);
    CHECK(r.signals[0].kind == signal_kind::fatal_error);
    CHECK(r.signals[0].line == 1);
    CHECK(r.signals[0].detail == "KeyError: 'text'");
  }
}

TEST_CASE("a traceback after a warning belongs to the warning",
          "[gateway][traceback]") {
  auto r = parse(loguru("2025-10-06 01:44:09.485", "WARNING",
                        "pipecat.transports.daily.transport:f:1",
                        "DailyTransport#0: unable to send message")
                 + "\nTraceback (most recent call last):\n"
                   "  File \"x.py\", line 1, in f\n"
                   "daily.DailyError: not joined\n");
  REQUIRE(r.signals.size() == 1);
  CHECK(r.signals[0].kind == signal_kind::warning);
  CHECK(r.signals[0].detail == "daily.DailyError: not joined");
}

TEST_CASE("an error without traceback but with wrapped lines",
          "[gateway][traceback]") {
  auto r = parse(error_line() + "\n  {'code': 1008, 'reason': 'quota'}\n");
  REQUIRE(r.signals.size() == 1);
  CHECK(r.signals[0].detail == "{'code': 1008, 'reason': 'quota'}");
}
