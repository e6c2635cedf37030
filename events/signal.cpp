#include "switchboard/events/signal.hpp"

#include "switchboard/events/partitions.hpp"

#include <cstring>
#include <tuple>

namespace sb {

namespace {

struct kind_name {
  signal_kind kind;
  const char* name;
};

constexpr kind_name kind_names[] = {
  {signal_kind::pipeline_started, "pipeline_started"},
  {signal_kind::pipeline_finished, "pipeline_finished"},
  {signal_kind::pipeline_cancelled, "pipeline_cancelled"},
  {signal_kind::idle_detected, "idle_detected"},
  {signal_kind::user_started_speaking, "user_started_speaking"},
  {signal_kind::user_stopped_speaking, "user_stopped_speaking"},
  {signal_kind::bot_started_speaking, "bot_started_speaking"},
  {signal_kind::bot_stopped_speaking, "bot_stopped_speaking"},
  {signal_kind::interruption, "interruption"},
  {signal_kind::user_text, "user_text"},
  {signal_kind::user_context_text, "user_context_text"},
  {signal_kind::bot_text, "bot_text"},
  {signal_kind::ttfb, "ttfb"},
  {signal_kind::processing_time, "processing_time"},
  {signal_kind::ttfa, "ttfa"},
  {signal_kind::llm_usage, "llm_usage"},
  {signal_kind::tts_usage, "tts_usage"},
  {signal_kind::stt_usage, "stt_usage"},
  {signal_kind::latency_summary, "latency_summary"},
  {signal_kind::function_call, "function_call"},
  {signal_kind::function_result, "function_result"},
  {signal_kind::warning, "warning"},
  {signal_kind::error, "error"},
  {signal_kind::fatal_error, "fatal_error"},
  {signal_kind::call_queued, "call_queued"},
  {signal_kind::call_ringing, "call_ringing"},
  {signal_kind::call_answered, "call_answered"},
  {signal_kind::call_declined, "call_declined"},
  {signal_kind::call_missed, "call_missed"},
  {signal_kind::call_hungup, "call_hungup"},
  {signal_kind::call_failed, "call_failed"},
  {signal_kind::recording_ready, "recording_ready"},
};

} // namespace

const char* to_string(signal_kind kind) noexcept {
  for (const auto& kn : kind_names)
    if (kn.kind == kind)
      return kn.name;
  return "unknown";
}

bool from_string(const std::string& name, signal_kind& out) {
  for (const auto& kn : kind_names)
    if (name == kn.name) {
      out = kn.kind;
      return true;
    }
  return false;
}

signal_key key_of(const signal& s) noexcept {
  // Everything a line says, but not where it was read (line number).
  // cached_tokens and language are left out: the gateway reads them from
  // the line's `detail` and `text` fields, which are in, and so a line
  // ingested before signals carried them keeps its key.
  auto h = fnv1a64(s.call_id);
  auto kind = static_cast<unsigned char>(s.kind);
  h = fnv1a64(std::string_view{reinterpret_cast<const char*>(&kind), 1}, h);
  h = fnv1a64(s.service, h);
  h = fnv1a64("\x1f", h);
  h = fnv1a64(s.text, h);
  h = fnv1a64("\x1f", h);
  h = fnv1a64(s.detail, h);
  char numbers[sizeof(double) + 3 * sizeof(std::int64_t)];
  std::memcpy(numbers, &s.value_s, sizeof(double));
  std::memcpy(numbers + 8, &s.prompt_tokens, 8);
  std::memcpy(numbers + 16, &s.completion_tokens, 8);
  std::memcpy(numbers + 24, &s.characters, 8);
  h = fnv1a64(std::string_view{numbers, sizeof numbers}, h);
  return {s.at_us, h};
}

bool operator==(const signal& a, const signal& b) {
  auto tie = [](const signal& s) {
    return std::tie(s.call_id, s.kind, s.at_us, s.service, s.text, s.detail,
                    s.value_s, s.prompt_tokens, s.completion_tokens,
                    s.characters, s.line, s.cached_tokens, s.language);
  };
  return tie(a) == tie(b);
}

bool operator==(const signal_batch& a, const signal_batch& b) {
  return a.tenant_id == b.tenant_id && a.agent_id == b.agent_id
         && a.source == b.source && a.signals == b.signals;
}

} // namespace sb
