// The SQL migrations are compiled into the binary, in version order.

#include "switchboard/db/migrate.hpp"

#include <catch2/catch.hpp>

using namespace sb::db;

TEST_CASE("migrations: embedded in version order, starting with init") {
  const auto& all = embedded_migrations();
  REQUIRE_FALSE(all.empty());
  CHECK(all.front().version == 1);
  CHECK(all.front().name == "init");
  CHECK(all.front().sql.find("create table sessions") != std::string::npos);
  for (size_t i = 1; i < all.size(); ++i)
    CHECK(all[i - 1].version < all[i].version);
}
