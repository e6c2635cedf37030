// Issue 10, fault 1: an operator stops a busy node (SIGTERM, as systemd and
// ops/down do) while its calls hold signals whose events are not stored yet.
// The node must exit 0 — not die of a signal — and lose nothing: restarted,
// its tables equal those of a run that was never stopped.

#include "fault_support.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace sb::test;

namespace {

/// One call of ~20,000 kept lines (a two-hour conversation: one actor with
/// a deep queue) among 120 ordinary calls with noise.
built_log backlog_log() {
  auto big = build_cloud_log(1, 1650, 0, 1001, 0);
  auto many = build_cloud_log(120, 6, 4, 1002, 0);
  return interleave(big, many);
}

// Long enough that no call is declared lost while the node restarts; every
// call of the log ends with its own end line.
const spine_options options{/*inactivity_timeout_s=*/90, /*linger_s=*/0.5};

} // namespace

TEST_CASE("a node stopped with SIGTERM under a large backlog exits 0 and "
          "loses nothing",
          "[faults][sigterm]") {
  auto log = backlog_log();
  INFO(log.lines.size() << " lines, " << log.call_ids.size() << " calls");

  spine_env stopped{options};
  stopped.start_node();
  {
    log_shipper shipper{stopped, log};
    // Three SIGTERMs at different depths of the work; the shipper keeps
    // retrying while the node is down.
    for (std::uint64_t at : {2'000u, 12'000u, 24'000u}) {
      while (stopped.events_head() < at && !shipper.done())
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      auto head = stopped.events_head();
      auto pending = stopped.signals_pending();
      auto status = stopped.stop_node(std::chrono::seconds{30});
      INFO("SIGTERM at " << head << " events, " << pending
                         << " signal messages unacknowledged: the node ended "
                            "with "
                         << status.describe() << "; its log:\n"
                         << stopped.node_log());
      REQUIRE(status.clean());
      stopped.start_node();
    }
    REQUIRE(shipper.wait(std::chrono::seconds{240}));
  }
  stopped.wait_until_settled(std::chrono::seconds{240});

  spine_env clean{options};
  clean.start_node();
  ship(clean, log);
  clean.wait_until_settled(std::chrono::seconds{240});

  auto sessions = std::to_string(log.call_ids.size());
  CHECK(clean.query_value("select count(*) from sessions") == sessions);
  CHECK(stopped.query_value("select count(*) from sessions") == sessions);
  CHECK(stopped.query_value("select count(*) from turns")
        == clean.query_value("select count(*) from turns"));
  auto want = clean.dump_tables();
  auto got = stopped.dump_tables();
  REQUIRE(got.size() > 1000);
  auto diff = first_difference(got, want);
  INFO("first difference, stopped run then clean run:\n" << diff);
  CHECK(diff.empty());
}
