#pragma once

// Timestamps as the simulated loggers print them, from milliseconds since
// the Unix epoch (UTC). Pure arithmetic: no time zone database, no locale.

#include <cstdint>
#include <string>

namespace sb::sim {

/// "2025-11-03 10:00:01.000" (loguru).
[[nodiscard]] std::string loguru_time(std::int64_t ms);

/// "2025-11-03T11:00:01.000+0100": the time in a zone `offset_min` east.
[[nodiscard]] std::string iso_zoned_time(std::int64_t ms, int offset_min);

/// "Nov 03 11:00:01.000" (a journald/syslog prefix, in local time
/// `offset_min` east of UTC).
[[nodiscard]] std::string journald_time(std::int64_t ms, int offset_min);

/// "2025-03-19 16:15:40,389" (stdlib logging).
[[nodiscard]] std::string stdlib_time(std::int64_t ms);

/// "2025-11-03T10:00:01.000Z" (the API's form, for the ground truth).
[[nodiscard]] std::string api_time(std::int64_t ms);

/// Milliseconds since the epoch of midnight UTC on the given civil date.
[[nodiscard]] std::int64_t days_from_civil_ms(int y, unsigned m, unsigned d);

} // namespace sb::sim
