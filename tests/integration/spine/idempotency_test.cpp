// Ingesting the same raw log again, at once or after the calls ended,
// creates no new events and changes no rows.

#include "log_builder.hpp"
#include "spine_env.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace sb::test;

TEST_CASE("re-ingesting the same log changes nothing") {
  spine_env env{{/*inactivity_timeout_s=*/2, /*linger_s=*/0.2}};
  env.start_node();
  auto log = build_cloud_log(40, 4, 3, 7);
  auto first = env.ingest(log.body(), "agent_id=shop-bot");
  REQUIRE(first.status == 202);
  env.wait_until_settled(std::chrono::seconds{90});
  auto tables = env.dump_tables();
  auto head = env.events_head();
  REQUIRE(env.query_value("select count(*) from sessions") == "40");

  SECTION("again once the calls have ended") {
    auto again = env.ingest(log.body(), "agent_id=shop-bot");
    REQUIRE(again.status == 202);
    CHECK(again.json()["kept"] == first.json()["kept"]);
    env.wait_until_settled(std::chrono::seconds{60});
    // The same bytes again inside the stream's dedupe window: JetStream
    // stores nothing, so no call even sees them.
    CHECK(env.events_head() == head);
    CHECK(env.dump_tables() == tables);
  }

  SECTION("again after the node restarted and forgot everything in memory") {
    env.stop_node();
    env.start_node();
    // Past the stream's dedupe window nothing else would stop it.
    auto half = log.lines.size() / 2;
    REQUIRE(env.ingest(log.body(half, log.lines.size()), "agent_id=shop-bot")
              .status
            == 202);
    REQUIRE(env.ingest(log.body(0, half), "agent_id=shop-bot").status == 202);
    env.wait_until_settled(std::chrono::seconds{60});
    // Only the restart's partition markers are new: the calls, rebuilt from
    // the log, knew they had ended and dropped every signal as late.
    CHECK(env.events_head() == head + 64);
    CHECK(env.dump_tables() == tables);
    // (Some partitions' messages are byte-identical to the first ingest's
    // and never reach a call: JetStream's dedupe window drops them.)
    auto health = env.health();
    INFO(health.dump());
    CHECK(health["signals"].get<std::uint64_t>() > 0);
    CHECK(health["late_signals"] == health["signals"]);
  }
}
