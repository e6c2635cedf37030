#pragma once

// Whether a call achieved what it was for.

#include <cstdint>
#include <optional>
#include <string_view>

namespace sb::analysis {

enum class outcome : std::uint8_t { unknown, failure, success };
/// "unknown", "failure", "success".
[[nodiscard]] const char* to_string(outcome o);
/// The outcome named by to_string(), or nullopt for any other text.
[[nodiscard]] std::optional<outcome> outcome_from_string(std::string_view);

/// A provider's or model's verdict read as an outcome: "success",
/// "successful", "succeeded", "true", "yes", "pass", "passed", "resolved"
/// or "failure", "failed", "fail", "unsuccessful", "false", "no",
/// "unresolved", case-insensitive and trimmed; nullopt for anything else.
[[nodiscard]] std::optional<outcome> verdict_of(std::string_view verdict);

/// A recognised provider verdict wins. Otherwise: a live call (queued,
/// ringing, active) or an unknown status -> unknown; failed, missed,
/// declined -> failure; completed with end_reason error, signal_lost or
/// max_duration -> failure; completed with tool_errors > 0 -> unknown (a
/// tool failed, and whether the call recovered the events do not say);
/// completed otherwise -> success.
[[nodiscard]] outcome judge(std::string_view status,
                            std::string_view end_reason,
                            std::int32_t tool_errors,
                            std::string_view provider_verdict);

} // namespace sb::analysis
