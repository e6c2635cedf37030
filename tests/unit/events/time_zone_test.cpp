#include "switchboard/events/time_zone.hpp"

#include <catch2/catch.hpp>

using namespace sb;

namespace {

constexpr std::int64_t hour = 3'600'000'000;

/// µs of a UTC date and hour of 2026.
std::int64_t utc(int month, int day, int h, int minute = 0) {
  // Days from 1970-01-01 to 2026-01-01: 20454.
  static constexpr int month_days[] = {0,   31,  59,  90,  120, 151,
                                       181, 212, 243, 273, 304, 334};
  std::int64_t days = 20454 + month_days[month - 1] + day - 1;
  return (days * 24 + h) * hour + minute * 60'000'000LL;
}

} // namespace

TEST_CASE("time zones are IANA names or fixed offsets") {
  CHECK(time_zone::find("UTC"));
  CHECK(time_zone::find("Europe/Paris"));
  CHECK(time_zone::find("+05:30"));
  CHECK(time_zone::find("-08:00"));
  CHECK_FALSE(time_zone::find("Mars/Olympus_Mons"));
  CHECK_FALSE(time_zone::find(""));
  CHECK_FALSE(time_zone::find("+5:30"));
  CHECK_FALSE(time_zone::find("+19:00"));
  CHECK_FALSE(time_zone::find("+05:60"));
  CHECK_FALSE(time_zone::find("../../etc/passwd"));
}

TEST_CASE("a UTC day is 24 hours and formats with +00:00") {
  auto z = *time_zone::find("UTC");
  auto noon = utc(12, 3, 12, 34);
  CHECK(z.floor(noon, calendar_unit::day) == utc(12, 3, 0));
  CHECK(z.floor(noon, calendar_unit::hour) == utc(12, 3, 12));
  CHECK(z.next(utc(12, 3, 0), calendar_unit::day) == utc(12, 4, 0));
  CHECK(z.format(utc(12, 3, 12, 34)) == "2026-12-03T12:34:00+00:00");
}

TEST_CASE("a half-hour offset moves hour and day boundaries to :30") {
  auto z = *time_zone::find("+05:30");
  // 10:00Z is 15:30 in +05:30: its hour began at 15:00 local, 09:30Z.
  CHECK(z.floor(utc(12, 3, 10), calendar_unit::hour) == utc(12, 3, 9, 30));
  CHECK(z.floor(utc(12, 3, 10), calendar_unit::day) == utc(12, 2, 18, 30));
  CHECK(z.format(utc(12, 2, 18, 30)) == "2026-12-03T00:00:00+05:30");
  auto west = *time_zone::find("-08:00");
  CHECK(west.floor(utc(12, 3, 7), calendar_unit::day) == utc(12, 2, 8));
  CHECK(west.format(utc(12, 2, 8)) == "2026-12-02T00:00:00-08:00");
}

TEST_CASE("days in Europe/Paris follow its clock changes") {
  auto z = *time_zone::find("Europe/Paris");
  // Winter: midnight is 23:00Z the day before.
  CHECK(z.floor(utc(1, 15, 12), calendar_unit::day) == utc(1, 14, 23));
  CHECK(z.format(utc(1, 14, 23)) == "2026-01-15T00:00:00+01:00");
  // 29 March 2026 has 23 hours, 25 October 26.
  auto spring = z.floor(utc(3, 29, 12), calendar_unit::day);
  CHECK(spring == utc(3, 28, 23));
  CHECK(z.next(spring, calendar_unit::day) - spring == 23 * hour);
  auto autumn = z.floor(utc(10, 25, 12), calendar_unit::day);
  CHECK(autumn == utc(10, 24, 22));
  CHECK(z.next(autumn, calendar_unit::day) - autumn == 25 * hour);
  // The repeated hour 02:00-03:00 of 25 October is two buckets.
  CHECK(z.floor(utc(10, 25, 0, 30), calendar_unit::hour) == utc(10, 25, 0));
  CHECK(z.floor(utc(10, 25, 1, 30), calendar_unit::hour) == utc(10, 25, 1));
  CHECK(z.format(utc(10, 25, 0)) == "2026-10-25T02:00:00+02:00");
  CHECK(z.format(utc(10, 25, 1)) == "2026-10-25T02:00:00+01:00");
  CHECK(z.next(utc(10, 25, 0), calendar_unit::hour) == utc(10, 25, 1));
}
