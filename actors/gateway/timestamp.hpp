#pragma once

// Log timestamps to µs since the Unix epoch (UTC), and back to ISO 8601.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sb::gateway {

struct parsed_time {
  std::int64_t at_us = 0;  ///< UTC
  std::size_t length = 0;  ///< characters consumed
  bool iso = false;        ///< 'T' between date and time
  bool comma = false;      ///< ",mmm" fraction (stdlib logging)
  bool zone = false;       ///< carried Z or an offset
};

/// Parses `YYYY-MM-DD[T ]HH:MM:SS[.,fraction][Z|±HH[:]MM]` at the front of
/// `s`. Without a zone the time is taken as UTC. Fractions keep µs; more
/// digits are read and dropped.
[[nodiscard]] bool parse_time(std::string_view s, parsed_time& out) noexcept;

/// Parses a zone at the front of `s` ("Z", "+0000", "+02:00", "-05");
/// sets the offset east of UTC in seconds and the length consumed.
[[nodiscard]] bool parse_zone(std::string_view s, std::int64_t& offset_s,
                              std::size_t& length) noexcept;

/// Length of a syslog time at the front of `s` ("Nov 19 10:39:41" with an
/// optional fraction), 0 if there is none. It has no year: not used as time.
[[nodiscard]] std::size_t syslog_time_length(std::string_view s) noexcept;

} // namespace sb::gateway
