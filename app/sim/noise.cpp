#include "sim/noise.hpp"

#include "sim/clock_text.hpp"

namespace sb::sim {

namespace {

std::string num(rng_t& rng, std::int64_t lo, std::int64_t hi) {
  return std::to_string(uniform(rng, lo, hi));
}

std::string uvicorn(rng_t& rng, const style& s, std::int64_t ms) {
  static const std::vector<std::string> paths = {
    "POST /start HTTP/1.1\" 200 OK", "GET /health HTTP/1.1\" 200 OK",
    "POST /api/offer HTTP/1.1\" 200 OK", "GET /metrics HTTP/1.1\" 200 OK"};
  auto line = "INFO:     10.0." + num(rng, 0, 9) + "." + num(rng, 2, 250) + ":"
              + num(rng, 30000, 60000) + " - \"" + pick(rng, paths);
  if (s.d == dialect::journald_1x) {
    auto stamp = journald_time(ms, s.zone_min);
    return stamp.substr(0, 15) + " voicebot-" + num(rng, 1, 9) + " python3["
           + num(rng, 1000, 9999) + "]: " + line;
  }
  return line;
}

std::string stdlib(rng_t& rng, std::int64_t ms) {
  static const std::vector<std::string> messages = {
    "httpx - HTTP Request: POST https://api.openai.com/v1/chat/completions "
    "\"HTTP/1.1 200 OK\"",
    "httpx - HTTP Request: POST https://api.cartesia.ai/tts/bytes "
    "\"HTTP/1.1 200 OK\"",
    "websockets.client - connection open",
    "asyncio - Using selector: EpollSelector"};
  return stdlib_time(ms) + " - INFO - " + pick(rng, messages);
}

} // namespace

sim_line noise_line(rng_t& rng, const style& s, const std::string& call_id,
                    std::int64_t ms) {
  sim_line out;
  out.at_ms = ms;
  auto roll = uniform(rng, 0, 99);
  const std::string input = s.transport == "DailyOutputTransport"
                              ? "DailyInputTransport"
                              : "FastAPIWebsocketInputTransport";
  auto debug = [&](const char* where, const std::string& msg) {
    return format_line(s, call_id, ms, "DEBUG", where, msg);
  };
  if (roll < 40) {
    out.text = debug("pipecat.observers.loggers.debug_log_observer:"
                     "on_push_frame:216",
                     s.tts + "#0 \xE2\x86\x92 " + s.transport
                       + "#0: TTSAudioRawFrame#" + num(rng, 1, 99999)
                       + " audio: " + num(rng, 8, 40) + "0 bytes");
  } else if (roll < 52) {
    static const std::vector<std::string> frames = {
      "LLMTextFrame", "TextFrame", "LLMFullResponseStartFrame",
      "BotSpeakingFrame", "UserAudioRawFrame", "MetricsFrame"};
    out.text = debug("pipecat.observers.loggers.debug_log_observer:"
                     "on_push_frame:216",
                     s.llm + "#0 \xE2\x86\x92 " + s.tts + "#0: "
                       + pick(rng, frames) + "#" + num(rng, 1, 9999));
  } else if (roll < 62) {
    out.text = format_line(s, call_id, ms, "TRACE",
                           "pipecat.transports.base_input:"
                           "_audio_task_handler:402",
                           "InputAudioRawFrame#" + num(rng, 1, 99999)
                             + " received");
  } else if (roll < 68) {
    out.text = debug(s.v1() ? "pipecat.pipeline.worker:"
                              "_heartbeat_monitor_handler:1392"
                            : "pipecat.pipeline.task:"
                              "_heartbeat_monitor_handler:612",
                     std::string(s.v1() ? "PipelineWorker#0" : "PipelineTask#0")
                       + ": heartbeat frame processed in 0.00" + num(rng, 1, 9)
                       + " seconds");
  } else if (roll < 74) {
    static const std::vector<std::string> procs = {
      "PipelineSource#0", "SileroVADAnalyzer#0", "LLMUserAggregator#0",
      "LLMAssistantAggregator#0", "PipelineSink#0"};
    out.text = debug("pipecat.processors.frame_processor:link:483",
                     "Linking " + pick(rng, procs) + " -> " + s.stt + "#0");
  } else if (roll < 80) {
    static const std::vector<std::string> ice = {
      "ICE connection state is checking", "ICE connection state is connected",
      "Received SDP offer from the client", "ICE gathering state is complete",
      "WebRTC data channel opened"};
    out.text = debug("pipecat.transports.smallwebrtc.connection:"
                     "_handle_ice:240",
                     pick(rng, ice));
  } else if (roll < 85) {
    out.text = debug("pipecat.observers.loggers.debug_log_observer:"
                     "on_push_frame:216",
                     s.stt + "#0 \xE2\x86\x92 LLMUserAggregator#0: "
                             "InterimTranscriptionFrame#"
                       + num(rng, 1, 999));
  } else if (roll < 89) {
    out.text = debug("pipecat.processors.metrics.frame_processor_metrics:"
                     "stop_ttfat_metrics:190",
                     s.llm + "#0 TTFAT: 0." + num(rng, 500, 999) + "s (0."
                       + num(rng, 100, 400) + "s thinking)");
  } else if (roll < 92) {
    out.text = debug("pipecat.audio.vad.silero:__init__:114",
                     "Loading Silero VAD model...");
  } else if (roll < 96) {
    out.text = uvicorn(rng, s, ms);
  } else {
    out.text = stdlib(rng, ms);
  }
  return out;
}

} // namespace sb::sim
