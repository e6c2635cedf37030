#include "stats_plan.hpp"

#include <catch2/catch.hpp>

using sb::db::detail::plan_stats;
using sb::db::detail::time_span;

namespace {

constexpr std::int64_t minute = 60'000'000;
constexpr std::int64_t hour = 60 * minute;
constexpr std::int64_t day = 24 * hour;
constexpr std::int64_t d0 = 20'000 * day; // some UTC midnight

} // namespace

TEST_CASE("a range of whole days, hours and minutes takes each from its "
          "table") {
  // 10:15 on d0 to 05:40 three days later.
  time_span range{d0 + 10 * hour + 15 * minute,
                  d0 + 3 * day + 5 * hour + 40 * minute};
  auto plan = plan_stats(range, {}, true);
  REQUIRE(plan.tables);
  CHECK(plan.sessions
        == std::vector<time_span>{{range.from, d0 + 11 * hour},
                                  {d0 + 3 * day + 5 * hour, range.to}});
  CHECK(plan.hourly
        == std::vector<time_span>{{d0 + 11 * hour, d0 + day},
                                  {d0 + 3 * day, d0 + 3 * day + 5 * hour}});
  CHECK(plan.daily == std::vector<time_span>{{d0 + day, d0 + 3 * day}});
}

TEST_CASE("an unbounded range reads the daily table to its ends") {
  auto plan = plan_stats({std::nullopt, std::nullopt}, {}, true);
  REQUIRE(plan.tables);
  CHECK(plan.sessions.empty());
  CHECK(plan.hourly.empty());
  CHECK(plan.daily == std::vector<time_span>{{std::nullopt, std::nullopt}});
  auto since = plan_stats({d0 + 30 * minute, std::nullopt}, {}, true);
  CHECK(since.sessions
        == std::vector<time_span>{{d0 + 30 * minute, d0 + hour}});
  CHECK(since.hourly == std::vector<time_span>{{d0 + hour, d0 + day}});
  CHECK(since.daily == std::vector<time_span>{{d0 + day, std::nullopt}});
}

TEST_CASE("less than a whole hour, or a filter the tables do not have, is "
          "counted over sessions") {
  time_span short_range{d0 + 5 * minute, d0 + 50 * minute};
  auto plan = plan_stats(short_range, {}, true);
  CHECK_FALSE(plan.tables);
  CHECK(plan.sessions == std::vector<time_span>{short_range});
  time_span week{d0, d0 + 7 * day};
  auto filtered = plan_stats(week, {}, false);
  CHECK_FALSE(filtered.tables);
  CHECK(filtered.sessions == std::vector<time_span>{week});
}

TEST_CASE("buckets split at hours use the hourly table; off the hour, "
          "sessions") {
  time_span range{d0, d0 + 2 * day};
  // Days of a +01:00 zone: boundaries at 23:00 UTC.
  auto paris = plan_stats(range, {d0 + 23 * hour}, true);
  REQUIRE(paris.tables);
  CHECK(paris.daily.empty());
  CHECK(paris.hourly == std::vector<time_span>{range});
  // Days of a +05:30 zone: boundaries at 18:30 UTC.
  auto india = plan_stats(range, {d0 + 18 * hour + 30 * minute}, true);
  CHECK_FALSE(india.tables);
  // UTC days may use the daily table.
  auto utc = plan_stats(range, {d0 + day}, true);
  CHECK(utc.daily == std::vector<time_span>{range});
}
