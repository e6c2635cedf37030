#pragma once

// UTC calendar arithmetic for `time_us` (µs since the Unix epoch): reading
// log timestamps and writing ISO 8601 times, in one place.

#include <cstdint>
#include <string>

namespace sb {

/// A UTC instant broken down, for writing times in any format.
struct civil_time {
  std::int64_t year = 1970;
  unsigned month = 1; ///< 1..12
  unsigned day = 1;   ///< 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millisecond = 0; ///< truncated
};

/// The UTC date and time of µs since the epoch; correct before 1970 too.
[[nodiscard]] civil_time to_civil(std::int64_t at_us) noexcept;

/// Days since 1970-01-01 of a proleptic Gregorian date.
[[nodiscard]] std::int64_t days_from_civil(std::int64_t year, unsigned month,
                                           unsigned day) noexcept;

/// "2025-10-06T01:44:09.485Z": UTC, milliseconds truncated; correct before
/// 1970 too.
[[nodiscard]] std::string format_iso8601_ms(std::int64_t at_us);

} // namespace sb
