#include "sim/clock_text.hpp"

#include <cstdio>

namespace sb::sim {

namespace {

struct civil {
  long long y;
  unsigned m;
  unsigned d;
  int hh;
  int mm;
  int ss;
  int ms;
};

// Howard Hinnant's civil_from_days.
civil to_civil(std::int64_t ms) {
  auto day_ms = std::int64_t{86400000};
  auto days = ms / day_ms;
  auto rem = ms % day_ms;
  if (rem < 0) {
    rem += day_ms;
    --days;
  }
  auto z = days + 719468;
  auto era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  auto yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  auto y = static_cast<long long>(yoe) + era * 400;
  auto doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  auto mp = (5 * doy + 2) / 153;
  auto d = doy - (153 * mp + 2) / 5 + 1;
  auto m = mp < 10 ? mp + 3 : mp - 9;
  civil c{};
  c.y = y + (m <= 2 ? 1 : 0);
  c.m = m;
  c.d = d;
  c.hh = static_cast<int>(rem / 3600000);
  c.mm = static_cast<int>((rem / 60000) % 60);
  c.ss = static_cast<int>((rem / 1000) % 60);
  c.ms = static_cast<int>(rem % 1000);
  return c;
}

const char* month_name(unsigned m) {
  static const char* names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return names[(m - 1) % 12];
}

} // namespace

std::string loguru_time(std::int64_t ms) {
  auto c = to_civil(ms);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02d:%02d:%02d.%03d", c.y,
                c.m, c.d, c.hh, c.mm, c.ss, c.ms);
  return buf;
}

std::string iso_zoned_time(std::int64_t ms, int offset_min) {
  auto c = to_civil(ms + std::int64_t{offset_min} * 60000);
  auto off = offset_min < 0 ? -offset_min : offset_min;
  char buf[64];
  std::snprintf(buf, sizeof buf,
                "%04lld-%02u-%02uT%02d:%02d:%02d.%03d%c%02d%02d", c.y, c.m,
                c.d, c.hh, c.mm, c.ss, c.ms, offset_min < 0 ? '-' : '+',
                off / 60, off % 60);
  return buf;
}

std::string journald_time(std::int64_t ms, int offset_min) {
  auto c = to_civil(ms + std::int64_t{offset_min} * 60000);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s %02u %02d:%02d:%02d.%03d",
                month_name(c.m), c.d, c.hh, c.mm, c.ss, c.ms);
  return buf;
}

std::string stdlib_time(std::int64_t ms) {
  auto c = to_civil(ms);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02d:%02d:%02d,%03d", c.y,
                c.m, c.d, c.hh, c.mm, c.ss, c.ms);
  return buf;
}

std::string api_time(std::int64_t ms) {
  auto c = to_civil(ms);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", c.y,
                c.m, c.d, c.hh, c.mm, c.ss, c.ms);
  return buf;
}

std::int64_t days_from_civil_ms(int y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  auto era = (y >= 0 ? y : y - 399) / 400;
  auto yoe = static_cast<unsigned>(y - era * 400);
  auto doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  auto doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  auto days = static_cast<std::int64_t>(era) * 146097
              + static_cast<std::int64_t>(doe) - 719468;
  return days * 86400000;
}

} // namespace sb::sim
