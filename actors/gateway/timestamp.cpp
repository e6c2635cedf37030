#include "gateway/timestamp.hpp"

#include "switchboard/events/calendar.hpp"

#include "gateway/text_scan.hpp"


namespace sb::gateway {

namespace {

using scan::is_digit;

bool digits(std::string_view s, std::size_t at, std::size_t n,
            unsigned& out) noexcept {
  if (at + n > s.size())
    return false;
  unsigned v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (!is_digit(s[i]))
      return false;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  out = v;
  return true;
}

bool leap(unsigned y) noexcept {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(unsigned y, unsigned m) noexcept {
  static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30,
                                      31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

} // namespace

bool parse_zone(std::string_view s, std::int64_t& offset_s,
                std::size_t& length) noexcept {
  if (s.empty())
    return false;
  if (s[0] == 'Z') {
    offset_s = 0;
    length = 1;
    return true;
  }
  if (s[0] != '+' && s[0] != '-')
    return false;
  unsigned hh = 0;
  unsigned mm = 0;
  if (!digits(s, 1, 2, hh))
    return false;
  std::size_t len = 3;
  if (s.size() > 3 && s[3] == ':') {
    if (!digits(s, 4, 2, mm))
      return false;
    len = 6;
  } else if (digits(s, 3, 2, mm)) {
    len = 5;
  }
  if (hh > 23 || mm > 59)
    return false;
  // A digit right after the zone means this was not a zone.
  if (len < s.size() && is_digit(s[len]))
    return false;
  offset_s = (static_cast<std::int64_t>(hh) * 3600 + mm * 60)
             * (s[0] == '-' ? -1 : 1);
  length = len;
  return true;
}

bool parse_time(std::string_view s, parsed_time& out) noexcept {
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (s.size() < 19 || !digits(s, 0, 4, y) || s[4] != '-'
      || !digits(s, 5, 2, mo) || s[7] != '-' || !digits(s, 8, 2, d))
    return false;
  if (s[10] != 'T' && s[10] != ' ')
    return false;
  if (!digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi)
      || s[16] != ':' || !digits(s, 17, 2, se))
    return false;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)
      || h > 23 || mi > 59 || se > 60)
    return false;
  std::size_t i = 19;
  std::int64_t micros = 0;
  bool comma = false;
  if (i + 1 < s.size() && (s[i] == '.' || s[i] == ',') && is_digit(s[i + 1])) {
    comma = s[i] == ',';
    ++i;
    int n = 0;
    while (i < s.size() && is_digit(s[i])) {
      if (n < 6) {
        micros = micros * 10 + (s[i] - '0');
        ++n;
      }
      ++i;
    }
    while (n < 6) {
      micros *= 10;
      ++n;
    }
  }
  std::int64_t offset = 0;
  std::size_t zone_len = 0;
  bool zone = false;
  if (i < s.size() && parse_zone(s.substr(i), offset, zone_len)) {
    zone = true;
    i += zone_len;
  }
  std::int64_t secs = days_from_civil(y, mo, d) * 86400
                      + static_cast<std::int64_t>(h) * 3600 + mi * 60 + se
                      - offset;
  out.at_us = secs * 1000000 + micros;
  out.length = i;
  out.iso = s[10] == 'T';
  out.comma = comma;
  out.zone = zone;
  return true;
}

std::size_t syslog_time_length(std::string_view s) noexcept {
  static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr",
                                                "May", "Jun", "Jul", "Aug",
                                                "Sep", "Oct", "Nov", "Dec"};
  if (s.size() < 15)
    return 0;
  bool month = false;
  for (auto m : months)
    if (s.compare(0, 3, m) == 0)
      month = true;
  if (!month || s[3] != ' ')
    return 0;
  std::size_t i = 4;
  if (s[i] == ' ')
    ++i; // "Nov  9"
  if (!is_digit(s[i]))
    return 0;
  ++i;
  if (i < s.size() && is_digit(s[i]))
    ++i;
  unsigned v = 0;
  if (i + 9 > s.size() || s[i] != ' ' || !digits(s, i + 1, 2, v)
      || s[i + 3] != ':' || !digits(s, i + 4, 2, v) || s[i + 6] != ':'
      || !digits(s, i + 7, 2, v))
    return 0;
  i += 9;
  if (i + 1 < s.size() && (s[i] == '.' || s[i] == ',') && is_digit(s[i + 1])) {
    ++i;
    while (i < s.size() && is_digit(s[i]))
      ++i;
  }
  return i;
}

} // namespace sb::gateway
