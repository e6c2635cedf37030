// The keep list: every message form of PIPECAT_LOGS.md, across versions.

#include "gateway_test_support.hpp"

using namespace sb;
using namespace sb::gateway;
using namespace sb::gateway::test;

namespace {

struct expected {
  const char* message;
  signal_kind kind;
  const char* service;
  const char* text;
};

} // namespace

TEST_CASE("speech, lifecycle, text and tool lines in every version form",
          "[gateway][messages]") {
  const expected cases[] = {
    // user speech
    {"User started speaking", signal_kind::user_started_speaking, "", ""},
    {"User stopped speaking", signal_kind::user_stopped_speaking, "", ""},
    {"LLMUserAggregator#0: User started speaking (strategy: "
     "VADUserTurnStartStrategy)",
     signal_kind::user_started_speaking, "LLMUserAggregator#0", ""},
    {"LLMUserAggregator#0: User stopped speaking (strategy: "
     "TurnAnalyzerUserTurnStopStrategy)",
     signal_kind::user_stopped_speaking, "LLMUserAggregator#0", ""},
    {"VADProcessor#0: User started speaking",
     signal_kind::user_started_speaking, "VADProcessor#0", ""},
    {"VADProcessor#0: User stopped speaking",
     signal_kind::user_stopped_speaking, "VADProcessor#0", ""},
    {"GladiaSTTService#0 User started speaking",
     signal_kind::user_started_speaking, "GladiaSTTService#0", ""},
    // bot speech
    {"Bot started speaking", signal_kind::bot_started_speaking, "", ""},
    {"Bot stopped speaking", signal_kind::bot_stopped_speaking, "", ""},
    {"Bot [phone] started speaking", signal_kind::bot_started_speaking, "",
     ""},
    {"Bot [phone] stopped speaking", signal_kind::bot_stopped_speaking, "",
     ""},
    // lifecycle
    {"Runner PipelineRunner#0 started running PipelineTask#0",
     signal_kind::pipeline_started, "PipelineTask#0", ""},
    {"WorkerRunner 'support-bot': started running",
     signal_kind::pipeline_started, "support-bot", ""},
    {"Pipeline task PipelineTask#0 has finished",
     signal_kind::pipeline_finished, "PipelineTask#0", ""},
    {"Runner PipelineRunner#0 finished running PipelineTask#0",
     signal_kind::pipeline_finished, "PipelineTask#0", ""},
    {"Pipeline worker PipelineWorker#0 has finished",
     signal_kind::pipeline_finished, "PipelineWorker#0", ""},
    {"WorkerRunner 'support-bot': finished running",
     signal_kind::pipeline_finished, "support-bot", ""},
    {"Canceling pipeline task PipelineTask#0",
     signal_kind::pipeline_cancelled, "PipelineTask#0", ""},
    {"Cancelling pipeline task PipelineTask#0",
     signal_kind::pipeline_cancelled, "PipelineTask#0", ""},
    {"Cancelling pipeline worker PipelineWorker#0",
     signal_kind::pipeline_cancelled, "PipelineWorker#0", ""},
    // user text
    {"Transcription: [What time do you open?]", signal_kind::user_text, "",
     "What time do you open?"},
    {"Transcription (from: 7c2e8f1a): [Hello there]", signal_kind::user_text,
     "", "Hello there"},
    {"[Transcription:user] [I need a taxi]", signal_kind::user_text, "",
     "I need a taxi"},
    {"TranscriptionFrame#2(user: , text: [At the tone,], language: None, "
     "timestamp: 2025-10-06T01:44:09.485+00:00)",
     signal_kind::user_text, "", "At the tone,"},
    {"\xF0\x9F\x92\xAC DeepgramSTTService#0 \xE2\x86\x92 TRANSCRIPTION: "
     "\"I'd like a refund\" from 'user-1' at 12.34s",
     signal_kind::user_text, "DeepgramSTTService#0", "I'd like a refund"},
    // bot text
    {"CartesiaTTSService#0: Generating TTS [Hi, how can I help?]",
     signal_kind::bot_text, "CartesiaTTSService#0", "Hi, how can I help?"},
    {"Generating TTS: [Hello from 0.0.50]", signal_kind::bot_text, "",
     "Hello from 0.0.50"},
    {"PiperTTSService#0: Finished TTS [We open at 7.]", signal_kind::bot_text,
     "PiperTTSService#0", "We open at 7."},
    // tools
    {"OpenAILLMService#0 Calling function [get_weather:call_abc] with "
     "arguments {'location': 'Paris'}",
     signal_kind::function_call, "OpenAILLMService#0", "get_weather"},
    {"Calling function end_call with arguments {}",
     signal_kind::function_call, "", "end_call"},
    {"LLMAssistantAggregator#0 FunctionCallResultFrame: "
     "[get_weather:call_abc]",
     signal_kind::function_result, "LLMAssistantAggregator#0", "get_weather"},
    // idle
    {"Idle pipeline detected, cancelling pipeline task...",
     signal_kind::idle_detected, "", ""},
  };
  for (const auto& c : cases) {
    INFO(c.message);
    auto s = one(debug(c.message));
    CHECK(s.kind == c.kind);
    CHECK(s.service == c.service);
    CHECK(s.text == c.text);
    CHECK(s.at_us == t_2025_10_06_01_44_09_485);
  }
}

TEST_CASE("details: destinations, participants, arguments, results",
          "[gateway][messages]") {
  CHECK(one(debug("Bot [phone] started speaking")).detail == "phone");
  CHECK(one(debug("Transcription (from: p-42): [Hi]")).detail == "p-42");
  CHECK(one(debug("OpenAILLMService#0 Calling function [book:call_1] with "
                  "arguments {'day': 'Tuesday'}"))
          .detail
        == "{'day': 'Tuesday'}");
  CHECK(one(debug("Calling function end_call with arguments {\"reason\": "
                  "\"done\"}"))
          .detail
        == "{\"reason\": \"done\"}");
  auto result = one(debug("LLMAssistantAggregator#0 FunctionCallResultFrame: "
                          "[book:call_1] result: {'ok': True}"));
  CHECK(result.text == "book");
  CHECK(result.detail == "result: {'ok': True}");
  auto old = one(debug("FunctionCallResultFrame: FunctionCallResultFrame#0"));
  CHECK(old.kind == signal_kind::function_result);
  CHECK(old.detail == "FunctionCallResultFrame#0");
}

TEST_CASE("a TranscriptionFrame names its language as a tag, or none",
          "[gateway][messages]") {
  auto frame = [](const std::string& language) {
    return one(debug("TranscriptionFrame#7(user: p-1, text: [Hi there], "
                     "language: "
                     + language + ", timestamp: 2026-01-05T10:00:00.000Z)"));
  };
  auto en = frame("en");
  CHECK(en.kind == signal_kind::user_text);
  CHECK(en.text == "Hi there");
  CHECK(en.detail == "p-1");
  CHECK(en.language == "en");
  CHECK(frame("Language.EN_US").language == "en-us");
  CHECK(frame("pt-BR").language == "pt-br");
  CHECK(frame("None").language.empty());
  CHECK(frame("<unset>").language.empty()); // not a tag: not guessed
  // Lines that name no language leave it empty.
  CHECK(one(debug("Transcription: [Hello]")).language.empty());
}

TEST_CASE("metrics: old long floats and new seconds formats",
          "[gateway][messages][metrics]") {
  SECTION("TTFB") {
    auto old = one(debug("OpenAILLMService#0 TTFB: 0.10410332679748535"));
    CHECK(old.kind == signal_kind::ttfb);
    CHECK(old.service == "OpenAILLMService#0");
    CHECK(old.value_s == Approx(0.10410332679748535));
    auto fresh = one(debug("OpenAILLMService#0 TTFB: 0.104s"));
    CHECK(fresh.kind == signal_kind::ttfb);
    CHECK(fresh.value_s == Approx(0.104));
  }
  SECTION("processing time") {
    auto old = one(debug("DeepgramTTSService#0 processing time: "
                         "1.9588260650634766"));
    CHECK(old.kind == signal_kind::processing_time);
    CHECK(old.value_s == Approx(1.9588260650634766));
    CHECK(one(debug("DeepgramTTSService#0 processing time: 1.959s")).value_s
          == Approx(1.959));
  }
  SECTION("TTFA, TTFAT") {
    auto s = one(debug("CartesiaTTSService#0 TTFA: 0.350s (0.120s leading "
                       "silence)"));
    CHECK(s.kind == signal_kind::ttfa);
    CHECK(s.value_s == Approx(0.350));
    CHECK(s.detail == "0.120s leading silence");
    // TTFAT is another metric (time to first answer token): not a TTFA.
    auto r = parse(debug("OpenAILLMService#0 TTFAT: 0.800s (0.300s thinking)"));
    CHECK(r.signals.empty());
    // No number: nothing to keep.
    CHECK(parse(debug("X#0 TTFA: no onset within 5s of audio; not reporting"))
            .signals.empty());
  }
  SECTION("usage") {
    auto llm = one(debug("OpenAILLMService#0 prompt tokens: 141, completion "
                         "tokens: 75"));
    CHECK(llm.kind == signal_kind::llm_usage);
    CHECK(llm.prompt_tokens == 141);
    CHECK(llm.completion_tokens == 75);
    CHECK(llm.cached_tokens == 0);
    auto cached = one(debug("OpenAILLMService#0 prompt tokens: 1410, "
                            "completion tokens: 7, cache read input tokens: "
                            "1024, reasoning tokens: 64"));
    CHECK(cached.prompt_tokens == 1410);
    CHECK(cached.completion_tokens == 7);
    CHECK(cached.cached_tokens == 1024);
    CHECK(cached.detail
          == "cache read input tokens: 1024, reasoning tokens: 64");
    // Either optional item may come alone, and in either order.
    CHECK(one(debug("AnthropicLLMService#0 prompt tokens: 900, completion "
                    "tokens: 12, cache read input tokens: 850"))
            .cached_tokens
          == 850);
    CHECK(one(debug("OpenAILLMService#0 prompt tokens: 900, completion "
                    "tokens: 12, reasoning tokens: 64, cache read input "
                    "tokens: 512"))
            .cached_tokens
          == 512);
    auto reasoning = one(debug("OpenAILLMService#0 prompt tokens: 900, "
                               "completion tokens: 12, reasoning tokens: 64"));
    CHECK(reasoning.cached_tokens == 0);
    // A count that is not a number is not a count; the line still is usage.
    auto odd = one(debug("OpenAILLMService#0 prompt tokens: 900, completion "
                         "tokens: 12, cache read input tokens: n/a"));
    CHECK(odd.prompt_tokens == 900);
    CHECK(odd.cached_tokens == 0);
    auto tts = one(debug("CartesiaTTSService#0 usage characters: 79"));
    CHECK(tts.kind == signal_kind::tts_usage);
    CHECK(tts.characters == 79);
    auto stt = one(debug("DeepgramSTTService#0 usage audio seconds: 12.345"));
    CHECK(stt.kind == signal_kind::stt_usage);
    CHECK(stt.value_s == Approx(12.345));
  }
  SECTION("latency observer") {
    auto s = one(debug("\xE2\x8F\xB1\xEF\xB8\x8F LATENCY FROM USER STOPPED "
                       "SPEAKING TO BOT STARTED SPEAKING: 1.234s"));
    CHECK(s.kind == signal_kind::latency_summary);
    CHECK(s.value_s == Approx(1.234));
    // The end-of-call statistics line is not a turn.
    CHECK(parse(debug("\xE2\x8F\xB1\xEF\xB8\x8F LATENCY FROM USER STOPPED "
                      "SPEAKING TO BOT STARTED SPEAKING - Avg: 1.100s, Min: "
                      "0.800s, Max: 1.900s"))
            .signals.empty());
  }
}

TEST_CASE("noise is dropped with a reason", "[gateway][messages][noise]") {
  const std::pair<const char*, const char*> cases[] = {
    {"DeepgramSTTService#0 \xE2\x86\x92 LLMUserAggregator#0: "
     "TranscriptionFrame#2(user: , text: [Hi], language: None)",
     "noise: frame traffic"},
    {"> PipelineSource#0 -> DailyInputTransport#0: StartFrame#0",
     "noise: frame traffic"},
    {"Linking PipelineSource#0 -> DailyInputTransport#0",
     "noise: processor linking"},
    {"ICE connection state is checking, connection is connecting",
     "noise: WebRTC/ICE/signalling"},
    {"Loading Silero VAD model...", "noise: VAD/model loading"},
    {"PipelineTask#0: heartbeat frame processed in 0.001 seconds",
     "noise: heartbeat"},
    {"Watchdog timer reset for DeepgramSTTService#0", "noise: watchdog"},
    {"CartesiaTTSService#0 \xE2\x86\x92 DailyOutputTransport#0: "
     "TTSTextFrame#3 text: 'Hi,' at 1.16s",
     "noise: frame traffic"},
    {"Bot stopped speaking based on TTSStoppedFrame",
     "noise: not in the keep list"},
    {"\xF0\x9F\x93\x8A [OpenAILLMService#0] TTFB: 0.104s at 3.2s",
     "noise: metrics observer (the processor's own line is kept)"},
    {"PipelineWorker#0: received interruption worker frame downstream "
     "InterruptionWorkerFrame#3",
     "noise: interruption relayed downstream (the upstream line reports it)"},
  };
  for (const auto& [message, reason] : cases) {
    INFO(message);
    pipecat_parser p{options()};
    std::vector<signal> out;
    line_report report;
    p.feed(debug(message), out, &report);
    p.finish(out);
    CHECK(out.empty());
    CHECK(report.what == verdict::dropped);
    CHECK(report.reason == reason);
  }
  SECTION("TRACE level, whatever it says") {
    pipecat_parser p{options()};
    std::vector<signal> out;
    line_report report;
    p.feed(loguru("2025-10-06 01:44:09.485", "TRACE", "pipecat.x:y:1",
                  "CartesiaTTSService#0: Generating TTS [Hi]"),
           out, &report);
    CHECK(out.empty());
    CHECK(report.reason == "noise: TRACE level");
  }
  SECTION("warnings of the bot's own modules") {
    auto r = parse(loguru("2025-10-06 01:44:09.485", "WARNING",
                          "bot:main:12", "Retrying the CRM lookup"));
    CHECK(r.signals.empty());
  }
}

TEST_CASE("warnings, errors and fatal errors", "[gateway][messages]") {
  auto at = [](const char* level, const char* msg) {
    return loguru("2025-10-06 01:44:09.485", level, "pipecat.pipeline.task:f:1",
                  msg);
  };
  auto warn = one(at("WARNING", "CartesiaTTSService#0: received unexpected "
                                "message type: 'timestamps'"));
  CHECK(warn.kind == signal_kind::warning);
  CHECK(warn.text
        == "CartesiaTTSService#0: received unexpected message type: "
           "'timestamps'");
  CHECK(warn.service == "CartesiaTTSService#0");

  auto idle = parse(at("WARNING", "Idle pipeline detected, cancelling "
                                  "pipeline task..."));
  REQUIRE(idle.signals.size() == 1); // not also a warning
  CHECK(idle.signals[0].kind == signal_kind::idle_detected);

  CHECK(one(at("ERROR", "DeepgramSTTService#3 error: socket closed")).kind
        == signal_kind::error);
  CHECK(one(at("ERROR", "FastAPIWebsocketOutputTransport#0 exception sending "
                        "data: WebSocketDisconnect (1000)"))
          .kind
        == signal_kind::error);
  CHECK(one(at("ERROR", "Fatal error: Daily room expired")).kind
        == signal_kind::fatal_error);
  CHECK(one(at("ERROR", "DeepgramFluxSTTService#0 error: Fatal error: "
                        "invalid API key"))
          .kind
        == signal_kind::fatal_error);
  CHECK(one(at("ERROR", "A fatal error occurred: ErrorFrame#4(error: boom, "
                        "fatal: True)"))
          .kind
        == signal_kind::fatal_error);
  CHECK(one(at("ERROR", "Error running app: FatalErrorFrame#0(error: x)"))
          .kind
        == signal_kind::fatal_error);
  CHECK(one(at("CRITICAL", "task fatal base exception while cancelling "
                           "task: KeyboardInterrupt"))
          .kind
        == signal_kind::fatal_error);
  CHECK(one(at("ERROR", "Exception in callback Transport._read_ready()")).kind
        == signal_kind::fatal_error);
}

TEST_CASE("interruptions in every version form, one signal each",
          "[gateway][messages][interruption]") {
  const char* forms[] = {
    "Bot interruption",
    "PipelineTask#0: received interruption task frame InterruptionTaskFrame#1",
    "PipelineTask#0: received interruption task frame upstream "
    "InterruptionTaskFrame#2",
    "PipelineWorker#0: received interruption worker frame upstream "
    "InterruptionWorkerFrame#4",
    "LLMUserAggregator#0: broadcasting interruption",
  };
  for (auto form : forms) {
    INFO(form);
    auto s = one(debug(form));
    CHECK(s.kind == signal_kind::interruption);
  }
  SECTION("separate interruptions of a call all count") {
    auto r = parse(debug("UserTurnProcessor#0: broadcasting interruption",
                         "2025-10-06 01:44:09.000")
                   + "\n"
                   + debug("UserTurnProcessor#0: broadcasting interruption",
                           "2025-10-06 01:44:12.000")
                   + "\n"
                   + debug("PipelineTask#0: received interruption task frame "
                           "InterruptionTaskFrame#1",
                           "2025-10-06 01:44:15.000"));
    CHECK(of_kind(r, signal_kind::interruption).size() == 3);
  }
  SECTION("a broadcast and a received frame at the same time are one") {
    pipecat_parser p{options()};
    std::vector<signal> out;
    line_report report;
    p.feed(debug("UserTurnProcessor#0: broadcasting interruption",
                 "2025-10-06 01:44:09.485"),
           out, &report);
    p.feed(debug("PipelineWorker#0: received interruption worker frame "
                 "downstream InterruptionWorkerFrame#3",
                 "2025-10-06 01:44:09.486"),
           out, &report);
    p.feed(debug("PipelineWorker#0: received interruption worker frame "
                 "upstream InterruptionWorkerFrame#4",
                 "2025-10-06 01:44:09.490"),
           out, &report);
    p.finish(out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].service == "UserTurnProcessor#0");
    CHECK(out[0].line == 1);
    CHECK(report.what == verdict::dropped);
    CHECK(report.reason
          == "duplicate interruption: the same interruption as line 1");
    CHECK(p.totals().kept == 1);
    CHECK(p.totals().dropped == 2);
  }
  SECTION("the pair is per call") {
    auto a = "2025-10-06 01:44:09.485 | DEBUG | pipecat.x:f:1 | "
             "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa - X#0: broadcasting "
             "interruption\n";
    auto b = "2025-10-06 01:44:09.486 | DEBUG | pipecat.x:f:1 | "
             "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb - PipelineTask#1: received "
             "interruption task frame InterruptionTaskFrame#1\n";
    auto r = parse(std::string{a} + b);
    CHECK(of_kind(r, signal_kind::interruption).size() == 2);
  }
}

TEST_CASE("bracketed text wrapped over several lines is joined",
          "[gateway][messages]") {
  auto r = parse(debug("CartesiaTTSService#0: Generating TTS [Here are your "
                       "options:")
                 + "\n1. A window seat\n2. An aisle seat]\n"
                 + debug("Bot started speaking", "2025-10-06 01:44:10.000"));
  REQUIRE(r.signals.size() == 2);
  CHECK(r.signals[0].kind == signal_kind::bot_text);
  CHECK(r.signals[0].text
        == "Here are your options:\n1. A window seat\n2. An aisle seat");
  CHECK(r.signals[0].line == 1);
  CHECK(r.signals[1].kind == signal_kind::bot_started_speaking);
  CHECK(r.totals.kept == 2);
  CHECK(r.totals.dropped == 2);
}

TEST_CASE("the version banner is not a signal", "[gateway][messages]") {
  pipecat_parser p{options()};
  std::vector<signal> out;
  line_report report;
  p.feed(loguru("2025-10-06 01:44:09.485", "INFO", "pipecat:<module>:14",
                "\xE1\x93\x9A\xE1\x98\x8F\xE1\x97\xA2 Pipecat 0.0.94 (Python "
                "3.13.6) \xE1\x93\x9A\xE1\x98\x8F\xE1\x97\xA2"),
         out, &report);
  CHECK(out.empty());
  CHECK(report.what == verdict::dropped);
  CHECK(report.reason == "banner: Pipecat 0.0.94 (not a signal)");
}
