#include "switchboard/events/calendar.hpp"

#include <catch2/catch.hpp>

using namespace sb;

TEST_CASE("times format as ISO 8601 UTC with milliseconds") {
  CHECK(format_iso8601_ms(1759715049485000) == "2025-10-06T01:44:09.485Z");
  CHECK(format_iso8601_ms(1759715049485999) == "2025-10-06T01:44:09.485Z");
  CHECK(format_iso8601_ms(1) == "1970-01-01T00:00:00.000Z");
  CHECK(format_iso8601_ms(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(format_iso8601_ms(951782400000000) == "2000-02-29T00:00:00.000Z");
  CHECK(format_iso8601_ms(253402300799999000) == "9999-12-31T23:59:59.999Z");
}

TEST_CASE("dates count days from 1970-01-01") {
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(1969, 12, 31) == -1);
  CHECK(days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28) == 2);
  CHECK(days_from_civil(2025, 10, 6) * 86400LL * 1000000
        == 1759708800000000LL);
}
