// pg_store on a real PostgreSQL: the store contract, plus what only a
// database shows (partitions, exact timestamps, lost connections).

#include "pg_fixture.hpp"

#include "support/store_contract.hpp"

#include "switchboard/db/api_keys.hpp"

#include <thread>

using namespace sb::test;
using namespace sb::test::store_contract;

TEST_CASE("pg_store: commit stores rows and checkpoint") {
  commit_stores_rows_and_checkpoint(*fresh_store());
}

TEST_CASE("pg_store: a checkpoint conflict writes nothing") {
  conflict_writes_nothing(*fresh_store());
}

TEST_CASE("pg_store: projections are independent") {
  projections_are_independent(*fresh_store());
}

TEST_CASE("pg_store: upserts replace rows") {
  upsert_replaces(*fresh_store());
}

TEST_CASE("pg_store: tenants are isolated") {
  tenants_are_isolated(*fresh_store());
}

TEST_CASE("pg_store: api keys authenticate") {
  api_keys_authenticate(*fresh_store());
}

TEST_CASE("pg_store: text round-trips") {
  text_round_trips(*fresh_store());
}

TEST_CASE("pg_store: times round-trip") {
  times_round_trip(*fresh_store());
}

TEST_CASE("pg_store: live calls bound rehydration") {
  live_calls_bound_rehydration(*fresh_store());
}

TEST_CASE("pg_store: placeholder sessions are promoted") {
  auto url = migrated_url();
  placeholder_sessions_are_promoted(*connect(url));
  CHECK(sql_value(url, "select count(*) from sessions") == "1");
  CHECK(sql_value(url, "select count(*) from turns where session_started_at"
                       " = 'epoch'")
        == "0");
}

TEST_CASE("pg_store: keys are stored hashed, never in plain text") {
  auto url = migrated_url();
  auto s = connect(url);
  REQUIRE(s->ensure_tenant("acme"));
  auto key = s->create_api_key("acme", "viewer", "");
  REQUIRE(key);
  auto prefix = key->substr(3, 8);
  CHECK(sql_value(url, "select hash from api_keys")
        == sb::db::sha256_hex(*key));
  CHECK(sql_value(url, "select prefix from api_keys") == prefix);
  CHECK(sql_value(url, "select count(*) from api_keys where hash like '%"
                         + key->substr(12) + "%'")
        == "0");
}

TEST_CASE("pg_store: sessions on different days land in daily partitions") {
  // The live generation of the sessions projection's tables is
  // sb_sessions_g1 (docs/adr/0007); `public` shows it through views.
  auto url = migrated_url();
  auto s = connect(url);
  auto a = make_session("call-a", "acme", t0);
  auto b = make_session("call-b", "acme", t0 + one_day);
  auto c = make_session("call-c", "acme", t0 + 1);
  REQUIRE(
    s->commit(make_batch(0, 1, {a, b, c}, {make_turn(a, 1), make_turn(b, 1)})));
  auto rows = sql(
    url, "select id, tableoid::regclass::text from sb_sessions_g1.sessions "
         "order by id");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0][1].as<std::string>() == "sb_sessions_g1.sessions_20231114");
  CHECK(rows[1][1].as<std::string>() == "sb_sessions_g1.sessions_20231115");
  CHECK(rows[2][1].as<std::string>() == "sb_sessions_g1.sessions_20231114");
  CHECK(sql_value(url, "select string_agg(tableoid::regclass::text, ',' "
                       "order by session_id) from sb_sessions_g1.turns")
        == "sb_sessions_g1.turns_20231114,sb_sessions_g1.turns_20231115");
  CHECK(sql_value(url, "select count(*) from pg_inherits where inhparent = "
                       "'sb_sessions_g1.sessions'::regclass")
        == "2");
  // A later batch on a known day creates nothing new; a new day does.
  auto d = make_session("call-d", "acme", t0 + 2 * one_day);
  REQUIRE(s->commit(make_batch(1, 2, {c, d})));
  CHECK(sql_value(url, "select count(*) from pg_inherits where inhparent = "
                       "'sb_sessions_g1.sessions'::regclass")
        == "3");
}

TEST_CASE("pg_store: µs timestamps are exact timestamptz values") {
  auto url = migrated_url();
  auto s = connect(url);
  auto a = make_session("call-a", "acme", t0);
  a.answered_at = 0;
  REQUIRE(s->commit(make_batch(0, 1, {a})));
  CHECK(sql_value(url, "select started_at = '2023-11-14 22:13:20.123457+00' "
                       "from sessions")
        == "t");
  CHECK(sql_value(url, "select answered_at from sessions") == "NULL");
  CHECK(only_session(*s, "call-a").started_at == t0);
}

TEST_CASE("pg_store: a committed batch survives a lost connection") {
  auto url = migrated_url();
  auto s = connect(url);
  auto a = make_session("call-a", "acme");
  REQUIRE(s->commit(make_batch(0, 1, {a}, {make_turn(a, 1)})));
  auto pid = s->backend_pid();
  REQUIRE(pid != 0);
  sql(url, "select pg_terminate_backend(" + std::to_string(pid) + ")");
  // The call that finds the connection gone says so; the next reconnects.
  auto lost = s->load_checkpoint("sessions");
  REQUIRE_FALSE(lost);
  CHECK(is(lost.error(), sb::db::db_errc::unavailable));
  auto cp = s->load_checkpoint("sessions");
  REQUIRE(cp);
  CHECK(cp->position == 1);
  CHECK(s->backend_pid() != pid);
  check_equal(only_session(*s, "call-a"), a);
  REQUIRE(s->commit(make_batch(1, 2, {a})));
  // And a brand-new connection sees the same.
  auto other = connect(url);
  CHECK(other->load_checkpoint("sessions")->position == 2);
  CHECK(turns_of(*other, "acme", "call-a").size() == 1);
}

TEST_CASE("pg_store: an unreachable server is unavailable") {
  auto url = "postgresql://postgres@127.0.0.1:" + std::to_string(free_port())
             + "/nowhere?connect_timeout=2";
  auto s = sb::db::pg_store::connect(url);
  REQUIRE_FALSE(s);
  CHECK(is(s.error(), sb::db::db_errc::unavailable));
}

TEST_CASE("pg_store: an unmigrated database fails queries, not the caller") {
  auto s = connect(fresh_url());
  auto cp = s->load_checkpoint("sessions");
  REQUIRE_FALSE(cp);
  CHECK(is(cp.error(), sb::db::db_errc::query_failed));
  CHECK(is(s->commit(make_batch(0, 1)).error(), sb::db::db_errc::query_failed));
}

TEST_CASE("pg_store: concurrent writers, one winner per position") {
  auto url = migrated_url();
  constexpr int rounds = 40;
  std::atomic<int> wins{0};
  std::atomic<int> conflicts{0};
  auto writer = [&](std::string tag) {
    auto s = sb::db::pg_store::connect(url);
    if (!s)
      return;
    for (int i = 0; i < rounds; ++i) {
      auto cp = (*s)->load_checkpoint("sessions");
      if (!cp)
        continue;
      auto b = make_batch(cp->position, cp->position + 1,
                          {make_session(tag + std::to_string(i), "acme")});
      auto res = (*s)->commit(b);
      if (res)
        ++wins;
      else if (is(res.error(), sb::db::db_errc::checkpoint_conflict))
        ++conflicts;
    }
  };
  std::thread a{writer, "a-"};
  std::thread b{writer, "b-"};
  a.join();
  b.join();
  CHECK(wins + conflicts == 2 * rounds);
  auto s = connect(url);
  CHECK(s->load_checkpoint("sessions")->position
        == static_cast<std::uint64_t>(wins.load()));
  CHECK(sql_value(url, "select count(*) from sessions")
        == std::to_string(wins.load()));
}
