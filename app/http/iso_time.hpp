#pragma once

// Times in API answers: ISO 8601 UTC with milliseconds, or null.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace sb::app::http {

/// sb::format_iso8601_ms as a JSON string, or null when `us` is 0 (unknown).
[[nodiscard]] nlohmann::json json_time(std::int64_t us);

} // namespace sb::app::http
