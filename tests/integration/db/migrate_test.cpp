// Migrations against a real PostgreSQL.

#include "pg_fixture.hpp"

#include <optional>
#include <thread>

using namespace sb::test;
using sb::db::migrate;

TEST_CASE("migrate: applies everything once, then nothing") {
  auto url = fresh_url();
  auto first = migrate(url);
  REQUIRE(first);
  CHECK(*first == static_cast<int>(sb::db::embedded_migrations().size()));
  auto second = migrate(url);
  REQUIRE(second);
  CHECK(*second == 0);
  CHECK(sql_value(url, "select count(*) from schema_migrations")
        == std::to_string(*first));
  CHECK(sql_value(url, "select to_regclass('projection_checkpoints') "
                       "is not null")
        == "t");
}

TEST_CASE("migrate: two nodes starting at once both succeed") {
  auto url = fresh_url();
  std::optional<caf::expected<int>> results[2];
  std::thread a{[&] { results[0] = migrate(url); }};
  std::thread b{[&] { results[1] = migrate(url); }};
  a.join();
  b.join();
  REQUIRE(*results[0]);
  REQUIRE(*results[1]);
  CHECK(**results[0] + **results[1]
        == static_cast<int>(sb::db::embedded_migrations().size()));
}

TEST_CASE("migrate: a failing migration is rolled back and reported") {
  auto url = fresh_url();
  std::vector<sb::db::migration> list{
    {1, "good", "create table a (x int)"},
    {2, "bad", "create table b (x int); select * from no_such_table"},
  };
  auto res = migrate(url, list);
  REQUIRE_FALSE(res);
  CHECK(res.error().code()
        == static_cast<std::uint8_t>(sb::db::db_errc::migration_failed));
  CHECK(sb::db::describe(res.error()).find("migration 2 (bad)")
        != std::string::npos);
  CHECK(sql_value(url, "select string_agg(version::text, ',') "
                       "from schema_migrations")
        == "1");
  CHECK(sql_value(url, "select to_regclass('b') is null") == "t");
  // Fixed, it goes through, skipping what is done.
  list[1].sql = "create table b (x int)";
  auto fixed = migrate(url, list);
  REQUIRE(fixed);
  CHECK(*fixed == 1);
}

TEST_CASE("migrate: an unreachable server is unavailable") {
  auto res = migrate("postgresql://postgres@127.0.0.1:"
                     + std::to_string(free_port())
                     + "/nowhere?connect_timeout=2");
  REQUIRE_FALSE(res);
  CHECK(res.error().code()
        == static_cast<std::uint8_t>(sb::db::db_errc::unavailable));
}
