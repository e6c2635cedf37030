#pragma once

// What a call cost: its usage priced with the price version in force when
// the call started, in integer micro-USD so that sums over many calls are
// exact and do not depend on the order they are added in.

#include "switchboard/analysis/rules.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sb::analysis {

/// Usage of one call, summed per service name as logged
/// ("OpenAILLMService#0") and model.
struct usage_line {
  std::string service;
  std::string model;
  std::int64_t llm_prompt_tokens = 0, llm_completion_tokens = 0,
               llm_cached_tokens = 0, tts_characters = 0;
  double stt_seconds = 0;
};

/// Cost in micro-USD per component (index: `component`).
struct cost_breakdown {
  std::array<std::int64_t, component_count> micro_usd{};
  [[nodiscard]] std::int64_t total() const;
  [[nodiscard]] std::int64_t operator[](component c) const {
    return micro_usd[static_cast<std::size_t>(c)];
  }
};

/// The price version for (service, model) effective at `at`: exact service
/// name (after stripping "#n") and model first, then same service any
/// model, then "*"; among matches the greatest effective_from <= at (the
/// first in the file on a tie). A "*" version matches only services of a
/// kind it prices (kind_of_service), or any service whose kind the name
/// does not tell. nullptr if none, as for a call whose start is unknown (0):
/// price such a call at its first event's time.
[[nodiscard]] const price_version* price_for(const rules& r,
                                             std::string_view service,
                                             std::string_view model,
                                             sb::time_us at);

/// As above, for a service of a known kind (the "*" tier then looks for a
/// version that prices that kind, whatever the service's name says).
[[nodiscard]] const price_version* price_for(const rules& r,
                                             std::string_view service,
                                             std::string_view model,
                                             sb::time_us at, service_kind kind);

/// Prices one call that started at `started_at`: each usage line with its
/// own price version; telephony = billed minutes (duration rounded up to
/// whole minutes, 0 if the duration is 0) x telephony_per_minute, only when
/// `direction` is "inbound" or "outbound" (web calls carry no telephony).
/// Prompt tokens are billed at the prompt price less the cached ones
/// (clamped at 0), cached tokens at the cached price. Each component is
/// rounded to the nearest micro-USD once per call (std::llround); lines are
/// summed in (service, model) order, so their order does not matter.
[[nodiscard]] cost_breakdown price_call(const rules& r, sb::time_us started_at,
                                        const std::vector<usage_line>& usage,
                                        std::int64_t duration_ms,
                                        std::string_view direction);

} // namespace sb::analysis
