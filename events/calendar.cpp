#include "switchboard/events/calendar.hpp"

#include <cstdio>

// Howard Hinnant's days_from_civil / civil_from_days.

namespace sb {

namespace {

/// Floor division, so that times before 1970 land on the right day.
std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  auto q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m,
                     unsigned& d) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

} // namespace

std::int64_t days_from_civil(std::int64_t y, unsigned m,
                             unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

civil_time to_civil(std::int64_t at_us) noexcept {
  auto ms = floor_div(at_us, 1000);
  auto secs = floor_div(ms, 1000);
  auto days = floor_div(secs, 86400);
  auto sod = secs - days * 86400;
  civil_time c;
  civil_from_days(days, c.year, c.month, c.day);
  c.hour = static_cast<int>(sod / 3600);
  c.minute = static_cast<int>(sod % 3600 / 60);
  c.second = static_cast<int>(sod % 60);
  c.millisecond = static_cast<int>(ms - secs * 1000);
  return c;
}

std::string format_iso8601_ms(std::int64_t at_us) {
  auto c = to_civil(at_us);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<long long>(c.year), c.month, c.day, c.hour,
                c.minute, c.second, c.millisecond);
  return buf;
}

} // namespace sb
