// Daily partitions: UTC days, names and bounds (db/partitions.hpp is private
// to the db library; tested here because off-by-one days lose data).

#include "partitions.hpp"

#include <catch2/catch.hpp>

using namespace sb::db::detail;

TEST_CASE("partitions: a µs timestamp falls on its UTC day") {
  constexpr std::int64_t day = 86'400'000'000;
  CHECK(utc_day(0) == 0);
  CHECK(utc_day(day - 1) == 0);
  CHECK(utc_day(day) == 1);
  CHECK(utc_day(-1) == -1);
  CHECK(utc_day(-day) == -1);
  CHECK(utc_day(-day - 1) == -2);
  CHECK(day_suffix(0) == "19700101");
  CHECK(day_suffix(-1) == "19691231");
  CHECK(day_suffix(utc_day(1'700'000'000'123'457)) == "20231114");
  CHECK(day_suffix(utc_day(951'782'400'000'000)) == "20000229"); // leap day
  CHECK(partition_name("turns", 19'723) == "turns_20240101");
}

TEST_CASE("partitions: bounds cover exactly one UTC day") {
  CHECK(partition_ddl("sessions", 19'782)
        == "create table if not exists sessions_20240229 partition of "
           "sessions for values from ('2024-02-29 00:00:00+00') to "
           "('2024-03-01 00:00:00+00') with (fillfactor = 70)");
  CHECK(partition_ddl("turns", 11'322).find("('2000-12-31 00:00:00+00') to "
                                            "('2001-01-01 00:00:00+00')")
        != std::string::npos);
}

TEST_CASE("partitions: rewritten tables leave room for updated rows") {
  CHECK(partition_ddl("turns", 11'322).find("with (fillfactor = 80)")
        != std::string::npos);
  CHECK(partition_ddl("call_events", 11'322).find("fillfactor")
        == std::string::npos);
}
