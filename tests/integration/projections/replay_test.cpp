// Issue 7: `switchboard replay` rebuilds every projection from the event
// log, beside the live tables, and swaps the rebuilt ones in: the result is
// identical to what the live projections built, readers never see an error
// or a half-built table, and the live projections go on afterwards.

#include "replay_support.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <atomic>
#include <thread>

using namespace sb::test;

namespace {

/// The figures a dashboard's summary shows, as one text.
std::string summary_figures(pqxx::nontransaction& tx) {
  auto r = tx.exec(
    "select (select count(*) || '/' || coalesce(sum(duration_ms), 0) || '/' "
    "         || coalesce(sum(cost_total), 0) from sessions) || ' ' || "
    "       (select coalesce(sum(sessions), 0) || '/' "
    "         || coalesce(sum(duration_ms_sum), 0) from agent_stats_hourly)");
  return r[0][0].as<std::string>();
}

} // namespace

TEST_CASE("replay --projection all rebuilds every table identically, and "
          "readers see only whole tables while it swaps") {
  spine_options options;
  options.inactivity_timeout_s = 3;
  spine_env env{options};
  env.start_node();
  // Calls arrive while the live projections build their tables.
  simulate_live(env, "--calls 60 --rate 20 --concurrency 60 --agents 3 "
                     "--seed 7001");
  env.wait_until_settled(std::chrono::seconds{120});
  auto live = table_checksums(env);
  CHECK(env.query_value("select count(*) from sessions") == "60");
  CHECK(env.query_value("select count(*) > 0 from agent_stats_hourly") == "t");
  CHECK(env.query_value("select count(*) > 0 from top_phrases") == "t");
  CHECK(env.query_value("select count(distinct session_id) from call_events "
                        "where type = 'call_ended'")
        == "60");

  // Readers poll the summary during the replay and its swap.
  pqxx::connection c{env.pg_url()};
  pqxx::nontransaction probe{c};
  auto before = summary_figures(probe);
  std::atomic<bool> done{false};
  std::atomic<int> polls{0}, wrong{0};
  std::string first_wrong;
  std::thread poller{[&] {
    pqxx::connection pc{env.pg_url()};
    while (!done) {
      try {
        pqxx::nontransaction tx{pc};
        auto now = summary_figures(tx);
        if (now != before && wrong++ == 0)
          first_wrong = now;
      } catch (const std::exception& e) {
        if (wrong++ == 0)
          first_wrong = e.what();
      }
      ++polls;
    }
  }};
  std::string out;
  auto code = run_switchboard(env, "replay --projection all", out);
  done = true;
  poller.join();
  INFO(out);
  REQUIRE(code == 0);
  CHECK(out.find("replayed") != std::string::npos);
  INFO("first wrong reading: " << first_wrong << " (expected " << before
                               << ")");
  CHECK(polls > 10);
  CHECK(wrong == 0);

  auto rebuilt = table_checksums(env);
  for (const auto& table : projection_tables()) {
    INFO("table " << table);
    CHECK(rebuilt.at(table) == live.at(table));
  }
  // The generation moved, and the old one is gone.
  CHECK(env.query_value("select generation from projection_checkpoints "
                        "where projection = 'sessions'")
        == "2");
  CHECK(env.query_value("select count(*) from pg_namespace where nspname = "
                        "'sb_sessions_g1'")
        == "0");

  // The live projections go on, on the new tables, with nothing lost or
  // counted twice.
  simulate_live(env, "--calls 20 --rate 20 --concurrency 20 --agents 3 "
                     "--seed 7002");
  env.wait_until_settled(std::chrono::seconds{120});
  CHECK(env.query_value("select count(*) from sessions") == "80");
  CHECK(env.query_value("select sum(sessions) from agent_stats_daily") == "80");
  auto after_more = table_checksums(env);
  REQUIRE(run_switchboard(env, "replay --projection all", out) == 0);
  CHECK(table_checksums(env) == after_more);
}
