// Issue 10, fault 4: the node stalls for 20 s (SIGSTOP, as a VM migration,
// a swap storm or a debugger would stall it) — past its 10-s lease TTL —
// and then runs on (SIGCONT). Its leases expired meanwhile and nobody else
// took them: it must take them back and go on serving, and its tables must
// equal those of a run that never stalled.

#include "fault_support.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace sb::test;

namespace {

constexpr auto stall = std::chrono::seconds{20};

// Longer than the stall: no call is declared lost because the node slept.
const spine_options options{/*inactivity_timeout_s=*/90, /*linger_s=*/0.5};

} // namespace

TEST_CASE("a node stalled for 20 s (SIGSTOP) runs on, owns its partitions "
          "again and loses nothing",
          "[faults][pause]") {
  auto log = build_cloud_log(200, 6, 4, 4001, 0);

  spine_env env{options};
  env.start_node();
  {
    log_shipper shipper{env, log};
    while (env.events_head() < 6'000 && !shipper.done())
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    INFO("stalled at " << env.events_head() << " events");
    env.pause_node();
    std::this_thread::sleep_for(stall);
    env.resume_node();

    // Awake again: it must still run, serve, and own every partition once
    // it took back the leases that expired while it slept (one TTL to
    // notice and take them back, before counting).
    std::this_thread::sleep_for(lease_ttl);
    bool owns_all = wait_for_partitions(env, 64, std::chrono::seconds{90});
    INFO("after the stall: " << node_state(env));
    REQUIRE(owns_all);
    // And keeps them: a late loss would stop it within two TTLs.
    auto watched = watch_node(env, 2 * lease_ttl);
    INFO("2 lease TTLs later: " << node_state(env));
    REQUIRE(watched.ran_throughout);
    REQUIRE(watched.least_owned == 64);
    REQUIRE(shipper.wait(std::chrono::seconds{240}));
  }
  env.wait_until_settled(std::chrono::seconds{240});
  REQUIRE(env.node_running());

  spine_env clean{options};
  clean.start_node();
  ship(clean, log);
  clean.wait_until_settled(std::chrono::seconds{240});

  CHECK(env.query_value("select count(*) from sessions")
        == std::to_string(log.call_ids.size()));
  auto want = clean.dump_tables();
  auto got = env.dump_tables();
  REQUIRE(got.size() > 1000);
  auto diff = first_difference(got, want);
  INFO("first difference, stalled run then clean run:\n" << diff);
  CHECK(diff.empty());
}
