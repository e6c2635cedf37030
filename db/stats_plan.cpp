#include "stats_plan.hpp"

#include <algorithm>

namespace sb::db::detail {

namespace {

constexpr std::int64_t hour_us = 3'600'000'000;
constexpr std::int64_t day_us = 24 * hour_us;

std::int64_t floor_to(std::int64_t us, std::int64_t width) {
  auto r = us % width;
  return us - (r < 0 ? r + width : r);
}

std::int64_t ceil_to(std::int64_t us, std::int64_t width) {
  auto f = floor_to(us, width);
  return f == us ? f : f + width;
}

bool aligned(const std::vector<std::int64_t>& at, std::int64_t width) {
  return std::all_of(at.begin(), at.end(),
                     [&](std::int64_t t) { return floor_to(t, width) == t; });
}

/// a < b, an unset a being -inf and an unset b +inf.
bool before(const std::optional<std::int64_t>& a,
            const std::optional<std::int64_t>& b) {
  return !a || !b || *a < *b;
}

} // namespace

stats_plan plan_stats(const time_span& range,
                      const std::vector<std::int64_t>& interior,
                      bool pre_aggregable) {
  stats_plan plan;
  auto all_from_sessions = [&] {
    plan = stats_plan{};
    plan.sessions.push_back(range);
    return plan;
  };
  if (!pre_aggregable || !aligned(interior, hour_us))
    return all_from_sessions();
  // Whole hours [h1, h2); the edges outside them come from sessions.
  std::optional<std::int64_t> h1, h2;
  if (range.from)
    h1 = ceil_to(*range.from, hour_us);
  if (range.to)
    h2 = floor_to(*range.to, hour_us);
  if (!before(h1, h2))
    return all_from_sessions(); // less than one whole hour
  plan.tables = true;
  if (range.from && *range.from < *h1)
    plan.sessions.push_back({range.from, h1});
  if (range.to && *h2 < *range.to)
    plan.sessions.push_back({h2, range.to});
  // Whole days [d1, d2) from daily, if no bucket splits a day.
  std::optional<std::int64_t> d1, d2;
  if (h1)
    d1 = ceil_to(*h1, day_us);
  if (h2)
    d2 = floor_to(*h2, day_us);
  if (!aligned(interior, day_us) || !before(d1, d2)) {
    plan.hourly.push_back({h1, h2});
    return plan;
  }
  plan.daily.push_back({d1, d2});
  if (h1 && *h1 < *d1)
    plan.hourly.push_back({h1, d1});
  if (h2 && *d2 < *h2)
    plan.hourly.push_back({d2, h2});
  return plan;
}

} // namespace sb::db::detail
