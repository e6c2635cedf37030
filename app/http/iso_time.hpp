#pragma once

// Times in API answers: ISO 8601 UTC with milliseconds, or null.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace sb::app::http {

/// "2025-10-06T01:44:09.485Z" for µs since the Unix epoch (truncated to
/// milliseconds).
[[nodiscard]] std::string format_iso8601_ms(std::int64_t us);

/// format_iso8601_ms as a JSON string, or null when `us` is 0 (unknown).
[[nodiscard]] nlohmann::json json_time(std::int64_t us);

} // namespace sb::app::http
