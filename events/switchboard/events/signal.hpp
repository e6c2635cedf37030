#pragma once

// A signal is one kept fact from a raw log line, normalized: the gateway's
// output and the call actor's input. Signals travel on SB_SIGNALS in
// batches (one message per partition per request); see signal_codec.hpp.

#include <cstdint>
#include <string>
#include <vector>

namespace sb {

/// What a kept line says. Values are stable: they are stored in SB_SIGNALS.
enum class signal_kind : std::uint8_t {
  // Pipeline lifecycle (Pipecat).
  pipeline_started = 1,   ///< `Runner ... started running ...`
  pipeline_finished = 2,  ///< `Pipeline task ... has finished`, runner finished
  pipeline_cancelled = 3, ///< `Canceling pipeline task ...`
  idle_detected = 4,      ///< `Idle pipeline detected, cancelling ...`
  // Speech activity.
  user_started_speaking = 10,
  user_stopped_speaking = 11,
  bot_started_speaking = 12,
  bot_stopped_speaking = 13,
  interruption = 14, ///< any interruption line
  // Text.
  user_text = 20,         ///< a transcription line
  user_context_text = 21, ///< last user message of an LLM context dump
  bot_text = 22,          ///< one `Generating TTS` sentence
  // Metrics.
  ttfb = 30,            ///< value_s = seconds
  processing_time = 31, ///< value_s = seconds
  ttfa = 32,            ///< time to first audio, value_s = seconds
  llm_usage = 33,       ///< prompt_tokens, completion_tokens, cached_tokens
  tts_usage = 34,       ///< characters
  stt_usage = 35,       ///< value_s = audio seconds
  latency_summary = 36, ///< observer's user-to-bot latency, value_s
  // Tools.
  function_call = 40,   ///< text = function name, detail = arguments
  function_result = 41, ///< text = function name, detail = result
  // Problems.
  warning = 50, ///< text = message
  error = 51,   ///< non-fatal error, text = message
  fatal_error = 52, ///< `Fatal error`, unhandled exception, fatal frame
  // Provider-neutral lifecycle (POST /v1/ingest/events).
  call_queued = 60,
  call_ringing = 61,
  call_answered = 62, ///< the call became active
  call_declined = 63,
  call_missed = 64,
  call_hungup = 65, ///< detail = end reason (user_hangup, agent_hangup, ...)
  call_failed = 66, ///< detail = end reason
  // Post-call amendments, accepted after the end.
  recording_ready = 70, ///< detail = recording URL
};

/// Stable lowercase name, e.g. "user_text"; "unknown" for bad values.
[[nodiscard]] const char* to_string(signal_kind kind) noexcept;

/// Parses the name written by to_string; false if unknown.
[[nodiscard]] bool from_string(const std::string& name, signal_kind& out);

/// One normalized fact about one call.
struct signal {
  std::string call_id;
  signal_kind kind = signal_kind::warning;
  std::int64_t at_us = 0;      ///< source time, µs since the Unix epoch, UTC
  std::string service;         ///< processor, e.g. "OpenAILLMService#0"
  std::string text;            ///< utterance, message or function name
  std::string detail;          ///< arguments, result, reason or context
  double value_s = 0;          ///< seconds, for timing and audio metrics
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t characters = 0;
  std::uint32_t line = 0;      ///< 1-based line number in the source body
  /// Of the prompt tokens, those read from the provider's prompt cache
  /// (`cache read input tokens: N`); 0 when the line does not say.
  std::int64_t cached_tokens = 0;
  /// The utterance's language as the line names it, lowercased with `-`
  /// ("en", "en-us"); empty when it names none. user_text only.
  std::string language;
};

/// Who and what a batch of signals belongs to.
struct signal_batch {
  std::string tenant_id;
  std::string agent_id;
  std::string source; ///< e.g. "pipecat", "events"
  std::vector<signal> signals;
};

/// A stable identity of a signal's content, independent of where it was
/// read: re-ingesting the same line gives the same key, so call actors skip
/// it. Ordered by source time first.
struct signal_key {
  std::int64_t at_us = 0;
  std::uint64_t content_hash = 0;
};

[[nodiscard]] signal_key key_of(const signal& s) noexcept;

bool operator==(const signal& a, const signal& b);
bool operator==(const signal_batch& a, const signal_batch& b);
inline bool operator!=(const signal& a, const signal& b) { return !(a == b); }

} // namespace sb
