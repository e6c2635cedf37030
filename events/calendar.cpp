#include "switchboard/events/calendar.hpp"

#include <date/date.h>

#include <chrono>
#include <cstdio>

// Calendar math is Howard Hinnant's date library (Debian's
// libhowardhinnant-date-dev), here and in time_zone.cpp only.

namespace sb {

namespace {

using micros = std::chrono::duration<std::int64_t, std::micro>;
using sys_micros = std::chrono::time_point<std::chrono::system_clock, micros>;

} // namespace

std::int64_t days_from_civil(std::int64_t year, unsigned month,
                             unsigned day) noexcept {
  auto ymd = date::year{static_cast<int>(year)} / date::month{month}
             / date::day{day};
  return date::sys_days{ymd}.time_since_epoch().count();
}

civil_time to_civil(std::int64_t at_us) noexcept {
  sys_micros at{micros{at_us}};
  auto day = date::floor<date::days>(at); // before 1970 too
  date::year_month_day ymd{day};
  date::hh_mm_ss<std::chrono::milliseconds> tod{
    date::floor<std::chrono::milliseconds>(at - day)};
  civil_time c;
  c.year = static_cast<int>(ymd.year());
  c.month = static_cast<unsigned>(ymd.month());
  c.day = static_cast<unsigned>(ymd.day());
  c.hour = static_cast<int>(tod.hours().count());
  c.minute = static_cast<int>(tod.minutes().count());
  c.second = static_cast<int>(tod.seconds().count());
  c.millisecond = static_cast<int>(tod.subseconds().count());
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
