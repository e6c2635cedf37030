#pragma once

// How one simulated bot process writes its log: the line header (loguru,
// Pipecat Cloud, journald prefix, ISO + CallSid sink) and the wording of
// each fact in its Pipecat version (0.0.50, 0.0.9x, 1.x). See
// /work/shared/docs/PIPECAT_LOGS.md for the forms and where they come from.

#include "sim/rng.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace sb::sim {

enum class dialect : std::uint8_t {
  cloud_0_0_9x,  ///< loguru with a Pipecat Cloud session uuid, 0.0.9x
  cloud_1x,      ///< loguru with a session uuid, 1.x, new TTFB format
  journald_1x,   ///< journald prefix, unpadded level, 1.x
  iso_callsid,   ///< custom sink: ISO time with zone, Twilio CallSid
  loguru_0_0_50, ///< loguru with a session uuid, 0.0.50 forms
};

inline constexpr int dialect_count = 5;

[[nodiscard]] const char* dialect_name(dialect d) noexcept;

/// One call's writing style: dialect plus the choices that vary per bot.
struct style {
  dialect d = dialect::cloud_0_0_9x;
  int zone_min = 0;          ///< ISO sink and journald prefix: local zone
  bool new_ttfb = false;     ///< "TTFB: 0.104s" instead of "TTFB: 0.1041..."
  int speech_variant = 0;    ///< 1.x: VADProcessor or LLMUserAggregator
  int interruption_variant = 0; ///< 1.x: received frame or broadcasting
  bool bot_destination = false; ///< 1.x: "Bot [phone] started speaking"
  bool daily_transcription = false; ///< "Transcription (from: id): [..]"
  /// User text as a bot's handler prints the TranscriptionFrame (1.x, and
  /// 0.0.9x without Daily): the only line that names its language
  /// ("language: en").
  bool frame_transcription = false;
  std::string llm = "OpenAILLMService";
  std::string tts = "CartesiaTTSService";
  std::string stt = "DeepgramSTTService";
  std::string transport = "DailyOutputTransport";
  std::string worker = "support-bot"; ///< 1.x WorkerRunner name
  std::string participant;            ///< Daily participant id

  [[nodiscard]] bool v1() const noexcept {
    return d == dialect::cloud_1x || d == dialect::journald_1x;
  }
  [[nodiscard]] bool v050() const noexcept {
    return d == dialect::loguru_0_0_50;
  }
};

/// Draws a style for dialect `d`.
[[nodiscard]] style make_style(rng_t& rng, dialect d);

/// One full record line in the style's header format. `where` is the
/// loguru "module:function:line" (ignored by the ISO sink).
[[nodiscard]] std::string format_line(const style& s,
                                      const std::string& call_id,
                                      std::int64_t ms, std::string_view level,
                                      std::string_view where,
                                      std::string_view message);

/// A fresh call id for the style: a uuid, or a CallSid for the ISO sink.
[[nodiscard]] std::string make_call_id(rng_t& rng, const style& s);

/// "0.39021801948547363" or "0.390s" for `ms` milliseconds.
[[nodiscard]] std::string seconds_text(rng_t& rng, const style& s,
                                       std::int64_t ms);

/// A Python repr (or, for 0.0.50, JSON) string literal of `text`.
[[nodiscard]] std::string quoted(const style& s, std::string_view text);

} // namespace sb::sim
