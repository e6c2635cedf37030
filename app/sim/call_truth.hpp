#pragma once

// The ground truth of one simulated call: what the system must derive from
// its log lines, by README "What the fields mean". Every number here is one
// the script decided and wrote into a line, summed or copied as printed;
// nothing is read back from the log.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sb::sim {

/// What one service's usage lines of a call add up to.
struct service_usage {
  std::int64_t llm_prompt_tokens = 0;
  std::int64_t llm_completion_tokens = 0;
  std::int64_t llm_cached_tokens = 0; ///< `, cache read input tokens: N`
  std::int64_t tts_characters = 0;
  /// The printed seconds ("3.456": always three decimals, so the double is
  /// the one a correct parser reads), added up in line order like the
  /// sessions projection adds them.
  double stt_seconds = 0;
};

/// The service family of a metric line, as the call actor tells them apart
/// (by "LLM", "TTS" or "STT" in the service name).
enum class service_kind : std::uint8_t { llm, tts, stt };

[[nodiscard]] const char* to_string(service_kind k) noexcept;

/// One `TTFB:` line of the call.
struct ttfb_sample {
  service_kind kind = service_kind::llm;
  /// The printed seconds × 1000 as a double, the same arithmetic as the
  /// call actor's (the old format has 17 digits: 390.21801948547363).
  double ms = 0;
  /// Written after an interruption line and before the user's next "User
  /// started/stopped speaking": the call actor flags such a metric
  /// (metric_measured.during_interruption), as its value is misleading.
  bool interrupted = false;
};

/// What the call actor measures for one agent turn that answered the user
/// (turn_latency_measured), mirrored from actors/call/call_state.cpp:
/// - an exchange starts at each "User stopped speaking"; its user-to-bot
///   latency ends at the first "Bot started speaking" after it, and its
///   LLM / TTS / STT values are the first TTFB line of each kind after it;
/// - the exchange is reported when the agent turn that answered it closes
///   (the next user text, or the call's end), if it saw the bot start or a
///   LLM or TTS TTFB; when the user stops speaking again while that turn is
///   still open (after an interruption), the turn keeps the exchange it
///   answered and the new one starts;
/// - `interrupted` is set when any TTFB line of the exchange was flagged.
/// -1 means "not measured", as in the event.
struct turn_latency {
  int turn = 0; ///< the agent turn (turn numbers count from 1)
  double user_to_bot_ms = -1;
  double llm_ttfb_ms = -1;
  double tts_ttfb_ms = -1;
  double stt_ms = -1;
  bool interrupted = false;
};

struct call_truth {
  std::string call_id;
  std::string agent_id;
  std::string status;
  std::string end_reason;
  int turn_count = 0;
  std::int64_t started_ms = 0;
  std::int64_t ended_ms = 0;
  std::string first_user_text;
  std::string first_agent_text;
  int interruptions = 0;
  std::string dialect;
  std::string language;
  /// A user-text line names the language (a TranscriptionFrame's
  /// `language:`); only then is the call's language known to the system.
  bool language_named = false;

  /// Per service name as logged ("OpenAILLMService#0"), the usage lines
  /// written before the call ended.
  std::map<std::string, service_usage> usage;
  /// `Calling function` lines. The parser knows no line for a failed tool
  /// (tool_invoked.error is never set from a Pipecat log), so the script
  /// writes none and tool_errors stays 0.
  int tool_calls = 0;
  int tool_errors = 0;
  /// ERROR lines the system counts (sessions.error_count): handled errors
  /// and the fatal one.
  int error_count = 0;
  /// "positive" / "negative" / "neutral" where the script fixed the
  /// caller's mood in English and a line names the language, "unknown"
  /// for other languages, for calls whose lines name none (the system
  /// never guesses) and for a fixed mood with no user turn to score; ""
  /// where the script left the mood to chance (tests skip those calls).
  std::string sentiment;
  std::vector<turn_latency> latencies; ///< in turn order
  std::vector<ttfb_sample> ttfb;       ///< every TTFB line, in line order

  [[nodiscard]] std::int64_t duration_ms() const noexcept {
    return ended_ms - started_ms;
  }
};

} // namespace sb::sim
