// One test case per log dialect: the header forms Pipecat logs arrive in.

#include "gateway_test_support.hpp"

using namespace sb;
using namespace sb::gateway;
using namespace sb::gateway::test;

TEST_CASE("default loguru lines give exact kinds, times and call ids",
          "[gateway][dialect]") {
  auto body =
    loguru("2025-10-06 01:44:09.485", "DEBUG",
           "pipecat.transports.base_output:_bot_started_speaking:605",
           "Bot started speaking")
    + "\n"
    + loguru("2025-10-06 01:44:09.491", "DEBUG",
             "pipecat.observers.loggers.debug_log_observer:on_push_frame:217",
             "CartesiaTTSService#0 \xE2\x86\x92 "
             "FastAPIWebsocketOutputTransport#0: TTSAudioRawFrame#12 audio: "
             "3840 bytes at 1.14s")
    + "\n"
    + loguru("2025-10-06 01:44:09.500", "DEBUG",
             "pipecat.services.tts_service:_push_tts_frames:491",
             "CartesiaTTSService#0: Generating TTS [How can I help you today?]")
    + "\n";
  auto r = parse(body);
  REQUIRE(r.signals.size() == 2);
  CHECK(r.signals[0].kind == signal_kind::bot_started_speaking);
  CHECK(r.signals[0].at_us == t_2025_10_06_01_44_09_485);
  CHECK(r.signals[0].line == 1);
  CHECK(r.signals[0].call_id == "gen-1");
  CHECK(r.signals[1].kind == signal_kind::bot_text);
  CHECK(r.signals[1].at_us == t_2025_10_06_01_44_09_485 + 15000);
  CHECK(r.signals[1].line == 3);
  CHECK(r.signals[1].service == "CartesiaTTSService#0");
  CHECK(r.signals[1].text == "How can I help you today?");
  CHECK(r.used_generated_call_id);
  CHECK(r.totals.lines == 3);
  CHECK(r.totals.kept == 2);
  CHECK(r.totals.dropped == 1);
  check_totals(r);
}

TEST_CASE("timestamps keep microseconds and convert zones to UTC",
          "[gateway][dialect]") {
  SECTION("loguru with microseconds") {
    auto s = one(loguru("2025-10-06 01:44:09.485123", "DEBUG",
                        "pipecat.x:y:1", "Bot started speaking"));
    CHECK(s.at_us == t_2025_10_06_01_44_09_485 + 123);
  }
  SECTION("ISO with +0000, +02:00, -05:00 and Z") {
    auto r = parse(
      "2025-10-06T01:44:09.485+0000 - DEBUG - Bot started speaking\n"
      "2025-10-06T03:44:09.485+02:00 - DEBUG - Bot started speaking\n"
      "2025-10-05T20:44:09.485-05:00 - DEBUG - Bot started speaking\n"
      "2025-10-06T01:44:09.485Z - DEBUG - Bot started speaking\n"
      "2025-10-06T01:44:09.485 - DEBUG - Bot started speaking\n");
    REQUIRE(r.signals.size() == 5);
    for (const auto& s : r.signals)
      CHECK(s.at_us == t_2025_10_06_01_44_09_485);
  }
  SECTION("stdlib comma milliseconds") {
    auto s = one("2025-10-06 01:44:09,485 - ERROR - boom");
    CHECK(s.at_us == t_2025_10_06_01_44_09_485);
    CHECK(s.kind == signal_kind::error);
  }
}

TEST_CASE("Pipecat Cloud: the session uuid after the location is the call",
          "[gateway][dialect]") {
  const std::string uuid = "3b7e0d52-6f0a-4c1e-9d4b-2a8f61c95e07";
  auto line = "2025-11-02 18:21:07.250 | DEBUG    | "
              "pipecat.transports.base_output:_bot_started_speaking:605 | "
              + uuid + " - Bot started speaking";
  auto r = parse(line, options("request-call"));
  REQUIRE(r.signals.size() == 1);
  CHECK(r.signals[0].call_id == uuid); // beats the request's call id
  CHECK(r.signals[0].kind == signal_kind::bot_started_speaking);
  CHECK(r.signals[0].at_us == 1762107667250000);
  CHECK_FALSE(r.used_generated_call_id);
}

TEST_CASE("syslog, journald, log-viewer and docker prefixes are skipped",
          "[gateway][dialect]") {
  auto body = std::string{
    "Nov 19 10:39:41.434 2025-11-19 06:39:41.434 | DEBUG | "
    "pipecat.transports.base_output:_bot_started_speaking:605 - Bot started "
    "speaking\n"
    "Nov 19 10:39:41 voicebot-7 app[123]: 2025-11-19 06:39:41.500 | DEBUG | "
    "pipecat.transports.base_output:_bot_stopped_speaking:630 - Bot stopped "
    "speaking\n"
    "Nov  9 10:39:41 voicebot-7 python3[99]: 2025-11-19 06:39:41.600 | DEBUG "
    "| pipecat.transports.base_input:_h:340 - User started speaking\n"
    "2025-11-19T06:39:41.700123456Z stdout F 2025-11-19 06:39:41.700 | DEBUG "
    "| pipecat.transports.base_input:_h:347 - User stopped speaking\n"
    "2025-11-19T06:39:41.800Z 2025-11-19 06:39:41.800 | INFO | bot:main:12 - "
    "Transcription: [Hello?]\n"
    "[viewer] pod/bot-5f7c 2025-11-19 06:39:41.900 | DEBUG | "
    "pipecat.transports.base_output:_bot_started_speaking:605 - Bot started "
    "speaking\n"};
  auto r = parse(body);
  REQUIRE(r.signals.size() == 6);
  CHECK(r.signals[0].kind == signal_kind::bot_started_speaking);
  CHECK(r.signals[0].at_us == 1763534381434000); // the app's time, not viewer
  CHECK(r.signals[1].kind == signal_kind::bot_stopped_speaking);
  CHECK(r.signals[1].at_us == 1763534381500000);
  CHECK(r.signals[2].kind == signal_kind::user_started_speaking);
  CHECK(r.signals[3].kind == signal_kind::user_stopped_speaking);
  CHECK(r.signals[3].at_us == 1763534381700000);
  CHECK(r.signals[4].kind == signal_kind::user_text);
  CHECK(r.signals[4].text == "Hello?");
  CHECK(r.signals[5].at_us == 1763534381900000);
  check_totals(r);
}

TEST_CASE("journald traceback lines keep their prefix and still attach",
          "[gateway][dialect][traceback]") {
  auto r = parse(
    "Nov 19 10:39:50 h app[1]: 2025-11-19 06:39:50.003 | ERROR | "
    "pipecat.processors.frame_processor:_x:754 - OpenAILLMService#0 error: "
    "Error code: 429\n"
    "Nov 19 10:39:50 h app[1]: Traceback (most recent call last):\n"
    "Nov 19 10:39:50 h app[1]:   File \"/srv/base_llm.py\", line 330, in f\n"
    "Nov 19 10:39:50 h app[1]:     await self._process_context(context)\n"
    "Nov 19 10:39:50 h app[1]: openai.RateLimitError: Error code: 429\n");
  REQUIRE(r.signals.size() == 1);
  CHECK(r.signals[0].kind == signal_kind::error);
  CHECK(r.signals[0].detail == "openai.RateLimitError: Error code: 429");
  CHECK(r.totals.kept == 1);
  CHECK(r.totals.dropped == 4);
}

TEST_CASE("levels without padding and in other spellings",
          "[gateway][dialect]") {
  auto r = parse(
    "2025-10-06 01:44:09.485 | ERROR | pipecat.services.x:f:1 - "
    "DeepgramSTTService#3 error: socket closed\n"
    "2025-10-06 01:44:09.486 | WARNING | pipecat.pipeline.task:f:1 - "
    "PipelineTask#0: Something went wrong: ErrorFrame#1(error: x, fatal: "
    "False)\n"
    "2025-10-06 01:44:09.487 | DEBUG | pipecat.transports.base_output:f:1 - "
    "Bot started speaking\n"
    "2025-10-06 01:44:09.488 | TRACE | pipecat.transports.base_output:f:1 - "
    "Bot started speaking\n"
    "2025-10-06 01:44:09.489 | SUCCESS  | pipecat.transports.base_input:f:1 "
    "- User started speaking\n"
    "2025-10-06T01:44:09.490Z - warning - Interruption detected. Cancelling "
    "runner PipelineRunner#0\n");
  REQUIRE(r.signals.size() == 5);
  CHECK(r.signals[0].kind == signal_kind::error);
  CHECK(r.signals[0].service == "DeepgramSTTService#3");
  CHECK(r.signals[0].text == "DeepgramSTTService#3 error: socket closed");
  CHECK(r.signals[1].kind == signal_kind::warning);
  CHECK(r.signals[1].service == "PipelineTask#0");
  CHECK(r.signals[2].kind == signal_kind::bot_started_speaking);
  CHECK(r.signals[3].kind == signal_kind::user_started_speaking);
  // A runner cancelled by Ctrl+C is a warning, not a user interruption.
  CHECK(r.signals[4].kind == signal_kind::warning);
  CHECK(r.totals.dropped == 1); // TRACE
}

TEST_CASE("custom ISO sink: CallSid field, [run_id=...] and key=value",
          "[gateway][dialect]") {
  const std::string sid = "CA16f3a0c2b9e84d7aa1b2c3d4e5f60718";
  auto body =
    "2025-10-28T16:10:39.554+0000 - DEBUG - " + sid
    + " - Bot started speaking\n"
      "2025-10-28T18:10:40.100+02:00 - INFO - [run_id=r-77 call_sid="
    + sid
    + "] CartesiaTTSService#0: Generating TTS [Goodbye!]\n"
      "2025-10-28T16:10:41Z - DEBUG - call_sid="
    + sid
    + " stream_sid=MZ123 - User started speaking\n"
      "2025-10-28T16:10:42.000+0000 - DEBUG - [run_id=r-77] User stopped "
      "speaking\n"
      "2025-10-28T16:10:43.000+0000 - DEBUG - [Transcription:user] [Thanks]\n";
  auto r = parse(body, options());
  REQUIRE(r.signals.size() == 5);
  CHECK(r.signals[0].call_id == sid);
  CHECK(r.signals[0].at_us == 1761667839554000);
  CHECK(r.signals[1].call_id == sid);
  CHECK(r.signals[1].kind == signal_kind::bot_text);
  CHECK(r.signals[1].text == "Goodbye!");
  CHECK(r.signals[1].at_us == 1761667840100000);
  CHECK(r.signals[2].call_id == sid);
  CHECK(r.signals[2].kind == signal_kind::user_started_speaking);
  CHECK(r.signals[2].at_us == 1761667841000000);
  // No CallSid on the line: the most recent explicit one of the request.
  CHECK(r.signals[3].call_id == sid);
  CHECK(r.signals[3].kind == signal_kind::user_stopped_speaking);
  // A bracketed message is not mistaken for a field.
  CHECK(r.signals[4].kind == signal_kind::user_text);
  CHECK(r.signals[4].text == "Thanks");
  CHECK_FALSE(r.used_generated_call_id);
}

TEST_CASE("stdlib logging, uvicorn, gunicorn and banners are dropped",
          "[gateway][dialect]") {
  auto body = std::string{
    "  ____  _            _           _\n"
    " |  _ \\(_)_ __   ___| |__   ___ | |_\n"
    "[2025-03-19 16:15:38 +0000] [1] [INFO] Starting gunicorn 23.0.0\n"
    "[2025-03-19 16:15:38 +0000] [7] [INFO] Booting worker with pid: 7\n"
    "2025-03-19 16:15:40,389 - INFO - Started server process [7]\n"
    "2025-03-19 16:15:40,390 - uvicorn.error - INFO - Waiting for startup.\n"
    "2025-03-19 16:15:40,391 INFO root: Application startup complete.\n"
    "INFO:     Uvicorn running on http://0.0.0.0:7860 (Press CTRL+C to quit)\n"
    "INFO:     10.1.2.3:50112 - \"GET /health HTTP/1.1\" 200 OK\n"
    "10.1.2.3 - - [19/Mar/2025:16:15:48 +0000] \"GET /metrics HTTP/1.1\" 200 "
    "512 \"-\" \"Prometheus/2.51.0\"\n"
    "WARNING:root:Connection pool is full, discarding connection\n"
    "2025-03-19 16:15:44.512 | INFO     | pipecat:<module>:14 - "
    "\xE1\x93\x9A\xE1\x98\x8F\xE1\x97\xA2 Pipecat 0.0.58 (Python 3.10.12) "
    "\xE1\x93\x9A\xE1\x98\x8F\xE1\x97\xA2\n"
    "2025-03-19 16:15:45.001 | DEBUG    | pipecat.pipeline.runner:run:27 - "
    "Runner PipelineRunner#0 started running PipelineTask#0\n"};
  auto r = parse(body);
  REQUIRE(r.signals.size() == 1);
  CHECK(r.signals[0].kind == signal_kind::pipeline_started);
  CHECK(r.signals[0].line == 13);
  CHECK(r.totals.lines == 13);
  CHECK(r.totals.dropped == 12);
  CHECK(r.totals.dead_lettered == 0);
}

TEST_CASE("SDK and stdlib errors are kept as errors, with the logger name",
          "[gateway][dialect]") {
  auto r = parse(
    "2025-03-19 16:15:45.001 | DEBUG    | pipecat.pipeline.runner:run:27 - "
    "Runner PipelineRunner#0 started running PipelineTask#0\n"
    "ERROR:deepgram.clients.common.v1.abstract_async_websocket:start:  "
    "WebSocketException: server rejected WebSocket connection: HTTP 401\n"
    "ERROR:    Exception in ASGI application\n"
    "Traceback (most recent call last):\n"
    "  File \"/app/main.py\", line 3, in app\n"
    "RuntimeError: no bot\n");
  REQUIRE(r.signals.size() == 3);
  CHECK(r.signals[1].kind == signal_kind::error);
  CHECK(r.signals[1].service
        == "deepgram.clients.common.v1.abstract_async_websocket");
  // No time of its own: the last time seen.
  CHECK(r.signals[1].at_us == r.signals[0].at_us);
  CHECK(r.signals[2].kind == signal_kind::fatal_error);
  CHECK(r.signals[2].text == "Exception in ASGI application");
  CHECK(r.signals[2].detail == "RuntimeError: no bot");
}

TEST_CASE("ANSI colours from loguru's colorize are stripped",
          "[gateway][dialect]") {
  auto s = one(
    "\x1b[32m2025-10-06 01:44:09.485\x1b[0m | \x1b[1mDEBUG   \x1b[0m | "
    "\x1b[36mpipecat.transports.base_output\x1b[0m:\x1b[36m_bot_started_"
    "speaking\x1b[0m:\x1b[36m605\x1b[0m - \x1b[1mBot started speaking\x1b[0m");
  CHECK(s.kind == signal_kind::bot_started_speaking);
  CHECK(s.at_us == t_2025_10_06_01_44_09_485);
}

TEST_CASE("CRLF line ends are ignored", "[gateway][dialect]") {
  auto r = parse(debug("Bot started speaking") + "\r\n"
                 + debug("CartesiaTTSService#0: Generating TTS [Hi.]")
                 + "\r\n");
  REQUIRE(r.signals.size() == 2);
  CHECK(r.signals[1].text == "Hi.");
  CHECK(r.totals.lines == 2);
}

TEST_CASE("custom loguru formats without module part", "[gateway][dialect]") {
  const std::string sid = "CA26f3a0c2b9e84d7aa1b2c3d4e5f60718";
  auto r = parse("2025-10-06 01:44:09.485 | DEBUG | Bot started speaking\n"
                 "2025-10-06 01:44:09.486 | INFO | "
                 + sid
                 + " | CartesiaTTSService#0: Generating TTS [Bye.]\n"
                   "2025-10-06 01:44:09.487 | INFO | bot:on_call:40 - "
                   "[call_sid="
                 + sid + "] Transcription: [Thanks, bye]\n",
                 options());
  REQUIRE(r.signals.size() == 3);
  CHECK(r.signals[0].kind == signal_kind::bot_started_speaking);
  CHECK(r.signals[0].call_id == "gen-1");
  CHECK(r.signals[1].call_id == sid);
  CHECK(r.signals[1].text == "Bye.");
  CHECK(r.signals[2].call_id == sid);
  CHECK(r.signals[2].kind == signal_kind::user_text);
  CHECK(r.signals[2].text == "Thanks, bye");
}

TEST_CASE("an unset session slot is not a call id", "[gateway][dialect]") {
  auto s = one("2025-11-02 18:21:07.250 | DEBUG    | pipecat.x:f:1 | None - "
               "Bot started speaking",
               options("req"));
  CHECK(s.call_id == "req");
}

TEST_CASE("a bare time prefix before a traceback line", "[gateway][dialect]") {
  auto r = parse("Nov 19 10:39:50.003 2025-11-19 06:39:50.003 | ERROR | "
                 "pipecat.x:f:1 - X#0 error: boom\n"
                 "Nov 19 10:39:50.003 Traceback (most recent call last):\n"
                 "Nov 19 10:39:50.003   File \"a.py\", line 1, in f\n"
                 "Nov 19 10:39:50.003 ValueError: boom\n");
  REQUIRE(r.signals.size() == 1);
  CHECK(r.signals[0].detail == "ValueError: boom");
}
