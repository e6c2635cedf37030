#pragma once

// The versioned analysis rules: tag keywords and service prices. Analysis is
// a pure function of a call's events and these rules, so a replay with a new
// rules file re-analyzes history; `version` is stored with each session to
// say which rules produced it.

#include "switchboard/events/event.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb::analysis {

/// What a call is billed for; indexes cost_breakdown::micro_usd.
enum class component : std::uint8_t {
  llm_prompt,
  llm_completion,
  llm_cached,
  tts,
  stt,
  telephony
};
inline constexpr std::size_t component_count = 6;
/// "llm_prompt", "llm_completion", "llm_cached", "tts", "stt", "telephony".
[[nodiscard]] const char* to_string(component c);

struct tag_rule {
  std::string tag; ///< e.g. "pricing"
  /// Language code ("en", "es", ...) -> lowercase keywords or phrases;
  /// key "*" = any language.
  std::map<std::string, std::vector<std::string>> keywords;
};

/// One price version of one service, effective from a UTC day on.
struct price_version {
  /// Service name as logged without the "#n" suffix, e.g.
  /// "OpenAILLMService"; "*" = any service of that component (the component
  /// whose prices it sets); "telephony" for the per-minute call price.
  std::string service;
  std::string model; ///< "" = any model
  /// Parsed from "YYYY-MM-DD" (UTC midnight) or full ISO 8601.
  sb::time_us effective_from = 0;
  // USD unit prices (0 = free/unset):
  double llm_prompt_per_1m_tokens = 0, llm_completion_per_1m_tokens = 0,
         llm_cached_per_1m_tokens = 0, tts_per_1m_characters = 0,
         stt_per_minute = 0, telephony_per_minute = 0;
};

struct rules {
  std::int32_t version = 0; ///< stored with each session
  std::vector<tag_rule> tags;
  std::vector<price_version> prices;
};

/// Parsed rules, or the reason there are none.
struct rules_result {
  std::optional<rules> value;
  std::string error; ///< names the bad field, e.g. "prices[2].modle: ..."
};

/// Parses rules JSON (format in projections/analysis/README.md). Unknown
/// keys are errors, so a typo in a price file cannot pass silently.
[[nodiscard]] rules_result parse_rules(std::string_view json);

/// Reads and parses a rules file.
[[nodiscard]] rules_result load_rules(const std::string& path);

/// The rules of default_rules.json as compiled into the library, parsed
/// once; throws std::logic_error on first use if that file is broken (a
/// unit test makes sure it is not).
[[nodiscard]] const rules& default_rules();

/// The text of default_rules.json as compiled into the library.
[[nodiscard]] std::string_view default_rules_json();

/// "OpenAILLMService" of "OpenAILLMService#0": the "#n" instance suffix
/// Pipecat appends goes (only when digits follow the '#').
[[nodiscard]] std::string_view base_service_name(std::string_view service);

/// What kind of service a price or a usage line is for.
enum class service_kind : std::uint8_t { unknown, llm, tts, stt, telephony };

/// The kind a service name says: Pipecat names end in "LLMService",
/// "TTSService" or "STTService" (after any "#n"); "telephony" is the call
/// price. Anything else is unknown.
[[nodiscard]] service_kind kind_of_service(std::string_view service);

/// Whether `p` sets a price (non-zero) for services of kind `k`; this is how
/// a "*" version says which services it is the fallback for.
[[nodiscard]] bool prices_kind(const price_version& p, service_kind k);

/// "2025-01-01" (UTC midnight) or ISO 8601 with time and an optional zone
/// ("2025-01-01T12:30:00Z", "...+02:00", fractions of a second) as µs since
/// the epoch; nullopt if malformed.
[[nodiscard]] std::optional<sb::time_us>
parse_effective_from(std::string_view text);

} // namespace sb::analysis
