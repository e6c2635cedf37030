#include "sim/clock_text.hpp"

#include "switchboard/events/calendar.hpp"

#include <cstdio>

namespace sb::sim {

namespace {

/// The simulator counts milliseconds; the calendar counts microseconds.
civil_time to_civil_ms(std::int64_t ms) {
  return sb::to_civil(ms * 1000);
}

const char* month_name(unsigned m) {
  static const char* names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return names[(m - 1) % 12];
}

} // namespace

std::string loguru_time(std::int64_t ms) {
  auto c = to_civil_ms(ms);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02d:%02d:%02d.%03d",
                static_cast<long long>(c.year), c.month, c.day, c.hour,
                c.minute, c.second, c.millisecond);
  return buf;
}

std::string iso_zoned_time(std::int64_t ms, int offset_min) {
  auto c = to_civil_ms(ms + std::int64_t{offset_min} * 60000);
  auto off = offset_min < 0 ? -offset_min : offset_min;
  char buf[64];
  std::snprintf(
    buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03d%c%02d%02d",
    static_cast<long long>(c.year), c.month, c.day, c.hour, c.minute, c.second,
    c.millisecond, offset_min < 0 ? '-' : '+', off / 60, off % 60);
  return buf;
}

std::string journald_time(std::int64_t ms, int offset_min) {
  auto c = to_civil_ms(ms + std::int64_t{offset_min} * 60000);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s %02u %02d:%02d:%02d.%03d",
                month_name(c.month), c.day, c.hour, c.minute, c.second,
                c.millisecond);
  return buf;
}

std::string stdlib_time(std::int64_t ms) {
  auto c = to_civil_ms(ms);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02d:%02d:%02d,%03d",
                static_cast<long long>(c.year), c.month, c.day, c.hour,
                c.minute, c.second, c.millisecond);
  return buf;
}

std::string api_time(std::int64_t ms) {
  return sb::format_iso8601_ms(ms * 1000);
}

std::int64_t days_from_civil_ms(int y, unsigned m, unsigned d) {
  return sb::days_from_civil(y, m, d) * 86400000;
}

} // namespace sb::sim
