#include "log_builder.hpp"

#include <algorithm>
#include <cstdio>
#include <random>

namespace sb::test {

namespace {

/// "2025-11-04 09:00:00.000" for ms after 2025-11-04 09:00:00 UTC.
std::string stamp(std::int64_t ms) {
  auto s = ms / 1000;
  char buf[64];
  std::snprintf(
    buf, sizeof buf, "2025-11-04 %02lld:%02lld:%02lld.%03lld",
    static_cast<long long>(9 + s / 3600), static_cast<long long>((s / 60) % 60),
    static_cast<long long>(s % 60), static_cast<long long>(ms % 1000));
  return buf;
}

struct timed_line {
  std::int64_t ms;
  std::string text;
};

std::string line(std::int64_t ms, const char* level, const char* where,
                 const std::string& id, const std::string& message) {
  char pad[16];
  std::snprintf(pad, sizeof pad, "%-8s", level);
  return stamp(ms) + " | " + pad + " | " + where + " | " + id + " - " + message;
}

} // namespace

std::string built_log::body(std::size_t from, std::size_t to) const {
  std::string out;
  for (auto i = from; i < to && i < lines.size(); ++i) {
    out += lines[i];
    out += '\n';
  }
  return out;
}

built_log build_cloud_log(int calls, int turns, int noise, std::uint64_t seed,
                          int lost_every) {
  std::mt19937_64 rng{seed};
  std::vector<timed_line> all;
  built_log out;
  for (int c = 0; c < calls; ++c) {
    char id[40];
    std::snprintf(id, sizeof id, "%08x-%04x-4%03x-8%03x-%012llx",
                  static_cast<unsigned>(rng()), c & 0xffff,
                  static_cast<unsigned>(rng() & 0xfff),
                  static_cast<unsigned>(rng() & 0xfff),
                  static_cast<unsigned long long>(rng() & 0xffffffffffffULL));
    std::string call = id;
    out.call_ids.push_back(call);
    std::int64_t t = static_cast<std::int64_t>(rng() % 60000) + c * 37;
    auto kept
      = [&](const char* level, const char* where, const std::string& msg) {
          all.push_back({t, line(t, level, where, call, msg)});
          for (int n = 0; n < noise; ++n) {
            auto nt = t + static_cast<std::int64_t>(rng() % 40);
            all.push_back(
              {nt, line(nt, "DEBUG",
                        "pipecat.observers.loggers.debug_log_observer:"
                        "on_push_frame:216",
                        call,
                        "CartesiaTTSService#0 → DailyOutputTransport#0: "
                        "TTSAudioRawFrame#"
                          + std::to_string(rng() % 100000)
                          + " audio: 2560 bytes")});
          }
        };
    kept("DEBUG", "pipecat.pipeline.runner:run:71",
         "Runner PipelineRunner#0 started running PipelineTask#0");
    t += 300;
    kept("DEBUG", "pipecat.services.tts_service:_push_tts_frames:602",
         "CartesiaTTSService#0: Generating TTS [Hello, caller "
           + call.substr(0, 8) + ".]");
    t += 100;
    kept("DEBUG", "pipecat.transports.base_output:_bot_started_speaking:605",
         "Bot started speaking");
    t += 900;
    kept("DEBUG", "pipecat.transports.base_output:_bot_stopped_speaking:650",
         "Bot stopped speaking");
    for (int k = 0; k < turns; ++k) {
      t += 500 + static_cast<std::int64_t>(rng() % 700);
      kept("DEBUG",
           "pipecat.transports.base_input:_handle_user_interruption:295",
           "User started speaking");
      t += 800 + static_cast<std::int64_t>(rng() % 900);
      kept("DEBUG",
           "pipecat.transports.base_input:_handle_user_interruption:310",
           "User stopped speaking");
      t += 60;
      auto question = "Question " + std::to_string(k + 1) + " about order "
                      + std::to_string(rng() % 10000) + "?";
      kept("DEBUG", "pipecat.services.whisper.stt:run_stt:434",
           "Transcription: [" + question + "]");
      t += 10;
      kept("DEBUG",
           "pipecat.services.openai.base_llm:_stream_chat_completions_"
           "universal_context:338",
           "OpenAILLMService#0: Generating chat from universal context "
           "[{'role': 'system', 'content': 'Shop.'}, {'role': 'user', "
           "'content': '"
             + question + "'}]");
      t += 300 + static_cast<std::int64_t>(rng() % 300);
      kept("DEBUG",
           "pipecat.processors.metrics.frame_processor_metrics:stop_ttfb_"
           "metrics:175",
           "OpenAILLMService#0 TTFB: 0." + std::to_string(100 + rng() % 800));
      t += 100;
      kept("DEBUG", "pipecat.services.tts_service:_push_tts_frames:602",
           "CartesiaTTSService#0: Generating TTS [Answer "
             + std::to_string(k + 1) + " is ready.]");
      t += 50;
      kept("DEBUG", "pipecat.services.tts_service:_push_tts_frames:602",
           "CartesiaTTSService#0: Generating TTS [Anything else?]");
      t += 100;
      kept("DEBUG", "pipecat.transports.base_output:_bot_started_speaking:605",
           "Bot started speaking");
      if (rng() % 4 == 0) {
        t += 400;
        kept("DEBUG", "pipecat.pipeline.task:_source_push_frame:687",
             "PipelineTask#0: received interruption task frame "
             "InterruptionTaskFrame#1");
      }
      t += 900;
      kept("DEBUG", "pipecat.transports.base_output:_bot_stopped_speaking:650",
           "Bot stopped speaking");
      t += 5;
      kept("DEBUG",
           "pipecat.processors.metrics.frame_processor_metrics:start_llm_"
           "usage_metrics:140",
           "OpenAILLMService#0 prompt tokens: " + std::to_string(100 + k)
             + ", completion tokens: " + std::to_string(20 + k));
    }
    if (c % 5 == 3) {
      t += 50;
      kept("ERROR", "pipecat.services.openai.base_llm:_process_context:360",
           "OpenAILLMService#0 error: Request timed out.");
    }
    if (lost_every <= 0 || c % lost_every != lost_every - 1) {
      t += 400;
      kept("DEBUG", "pipecat.pipeline.task:run:560",
           "Pipeline task PipelineTask#0 has finished");
    }
  }
  std::stable_sort(
    all.begin(), all.end(),
    [](const timed_line& a, const timed_line& b) { return a.ms < b.ms; });
  out.lines.reserve(all.size());
  for (auto& l : all)
    out.lines.push_back(std::move(l.text));
  return out;
}

} // namespace sb::test
