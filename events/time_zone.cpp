#include "switchboard/events/time_zone.hpp"

#include <date/tz.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>

namespace sb {

namespace {

using micros = std::chrono::duration<std::int64_t, std::micro>;
using sys_micros = std::chrono::time_point<std::chrono::system_clock, micros>;
constexpr std::int64_t hour_us = 3'600'000'000;

const date::time_zone* iana(const void* p) {
  return static_cast<const date::time_zone*>(p);
}

/// "+05:30" / "-08:00" -> seconds; nullopt if not that shape.
std::optional<std::int64_t> parse_offset(std::string_view s) {
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':')
    return std::nullopt;
  auto digit = [&](std::size_t i) { return s[i] >= '0' && s[i] <= '9'; };
  if (!digit(1) || !digit(2) || !digit(4) || !digit(5))
    return std::nullopt;
  int h = (s[1] - '0') * 10 + (s[2] - '0');
  int m = (s[4] - '0') * 10 + (s[5] - '0');
  if (h > 18 || m > 59 || (h == 18 && m > 0))
    return std::nullopt;
  std::int64_t secs = h * 3600 + m * 60;
  return s[0] == '-' ? -secs : secs;
}

std::int64_t floor_mod(std::int64_t a, std::int64_t b) {
  auto r = a % b;
  return r < 0 ? r + b : r;
}

} // namespace

std::optional<time_zone> time_zone::find(std::string_view name) {
  time_zone z;
  z.name_ = std::string{name};
  if (name == "UTC" || name == "Z")
    return z;
  if (auto offset = parse_offset(name)) {
    z.fixed_offset_s_ = *offset;
    return z;
  }
  if (name.empty() || name.size() > 64)
    return std::nullopt;
  try {
    z.iana_ = date::locate_zone(name);
  } catch (const std::runtime_error&) {
    return std::nullopt; // not in the tz database
  }
  return z;
}

std::int64_t time_zone::offset_seconds(std::int64_t at_us) const {
  if (iana_ == nullptr)
    return fixed_offset_s_;
  sys_micros at{micros{at_us}};
  return iana(iana_)->get_info(at).offset.count();
}

std::int64_t time_zone::floor(std::int64_t at_us, calendar_unit unit) const {
  auto offset_us = offset_seconds(at_us) * 1'000'000;
  if (unit == calendar_unit::hour)
    // The offset at this instant: the two runs of a repeated hour stay apart.
    return at_us - floor_mod(at_us + offset_us, hour_us);
  auto local = date::floor<date::days>(
    date::local_time<micros>{micros{at_us + offset_us}});
  if (iana_ == nullptr)
    return std::chrono::duration_cast<micros>(local.time_since_epoch()).count()
           - offset_us;
  // Where local midnight does not exist, the day starts at the change.
  auto start = iana(iana_)->to_sys(local, date::choose::earliest);
  return std::chrono::duration_cast<micros>(start.time_since_epoch()).count();
}

std::int64_t time_zone::next(std::int64_t bucket_us, calendar_unit unit) const {
  if (unit == calendar_unit::hour) {
    auto after = floor(bucket_us + hour_us, unit);
    return after > bucket_us ? after : bucket_us + hour_us;
  }
  // 26 hours lands in the next local day whatever the clock change.
  return floor(floor(bucket_us, unit) + 26 * hour_us, unit);
}

std::string time_zone::format(std::int64_t at_us) const {
  auto offset = offset_seconds(at_us);
  auto local_s = at_us / 1'000'000 + offset;
  if (at_us < 0 && at_us % 1'000'000 != 0)
    --local_s; // whole seconds, rounded down
  auto day = date::floor<date::days>(date::sys_seconds{std::chrono::seconds{local_s}});
  date::year_month_day ymd{day};
  date::hh_mm_ss<std::chrono::seconds> tod{
    date::sys_seconds{std::chrono::seconds{local_s}} - day};
  auto abs_off = offset < 0 ? -offset : offset;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d",
                static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()),
                static_cast<int>(tod.hours().count()),
                static_cast<int>(tod.minutes().count()),
                static_cast<int>(tod.seconds().count()),
                offset < 0 ? '-' : '+', static_cast<int>(abs_off / 3600),
                static_cast<int>(abs_off % 3600 / 60));
  return buf;
}

} // namespace sb
