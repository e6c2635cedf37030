#include "partitions.hpp"

#include <cstdio>

namespace sb::db::detail {

namespace {

constexpr std::int64_t us_per_day = 86'400'000'000;

struct civil_date {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

/// Howard Hinnant's civil_from_days (proleptic Gregorian calendar).
civil_date civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

std::string format(std::int64_t day, const char* fmt) {
  auto date = civil_from_days(day);
  char buf[48];
  std::snprintf(buf, sizeof(buf), fmt, static_cast<long long>(date.year),
                date.month, date.day);
  return buf;
}

/// An SQL timestamptz literal for midnight UTC of `day`.
std::string midnight(std::int64_t day) {
  // Years before 1 are written "YYYY-MM-DD BC" by PostgreSQL; our data never
  // gets there, and the µs range of the record types ends in year 294247.
  return format(day, "'%04lld-%02u-%02u 00:00:00+00'");
}

} // namespace

std::int64_t utc_day(std::int64_t us) {
  auto day = us / us_per_day;
  if (us % us_per_day < 0)
    --day;
  return day;
}

std::string day_suffix(std::int64_t day) {
  return format(day, "%04lld%02u%02u");
}

std::string partition_name(const std::string& table, std::int64_t day) {
  return table + "_" + day_suffix(day);
}

int fill_factor(const std::string& table) {
  // A projection rewrites a live call's rows many times; free room in the
  // page lets PostgreSQL put the new version beside the old one without
  // touching the indexes (a HOT update). Migration 0003 says more.
  if (table == "sessions")
    return 70;
  if (table == "turns")
    return 80;
  return 100;
}

std::string partition_ddl(const std::string& table, std::int64_t day) {
  auto ddl = "create table if not exists " + partition_name(table, day)
             + " partition of " + table + " for values from (" + midnight(day)
             + ") to (" + midnight(day + 1) + ")";
  if (auto fill = fill_factor(table); fill < 100)
    ddl += " with (fillfactor = " + std::to_string(fill) + ")";
  return ddl;
}

} // namespace sb::db::detail
