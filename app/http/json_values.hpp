#pragma once

// Values in API answers: times (ISO 8601 UTC with milliseconds, or null)
// and money (US dollars from the stored micro-USD).

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace sb::app::http {

/// sb::format_iso8601_ms as a JSON string, or null when `us` is 0 (unknown).
[[nodiscard]] nlohmann::json json_time(std::int64_t us);

/// Micro-USD as a number of US dollars (250000 -> 0.25).
[[nodiscard]] nlohmann::json json_usd(std::int64_t micros);

} // namespace sb::app::http
