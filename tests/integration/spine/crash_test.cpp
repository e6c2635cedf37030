// The node is killed (SIGKILL) in the middle of ingesting a large log and
// restarted; the result is exactly that of an uninterrupted run: no session
// or turn lost, none doubled.

#include "log_builder.hpp"
#include "spine_env.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <sstream>
#include <thread>

using namespace sb::test;

namespace {

constexpr std::size_t chunk_lines = 4000;

/// Posts the log in chunks like a log shipper: a chunk that fails (the node
/// is down) is sent again until it is accepted.
void ship(spine_env& env, const built_log& log, std::atomic<bool>& done) {
  for (std::size_t from = 0; from < log.lines.size(); from += chunk_lines) {
    auto body = log.body(from, from + chunk_lines);
    for (;;) {
      try {
        if (env.ingest(body, "agent_id=shop-bot").status == 202)
          break;
      } catch (const std::exception&) {
        // connection refused or reset: the node is restarting
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  done = true;
}

/// The first row where two table dumps differ, both versions; empty if none.
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream in_a{a}, in_b{b};
  std::string line_a, line_b;
  for (int row = 1;; ++row) {
    bool more_a = static_cast<bool>(std::getline(in_a, line_a));
    bool more_b = static_cast<bool>(std::getline(in_b, line_b));
    if (!more_a && !more_b)
      return {};
    if (!more_a || !more_b || line_a != line_b)
      return "row " + std::to_string(row) + ":\n" + (more_a ? line_a : "(none)")
             + "\n" + (more_b ? line_b : "(none)");
  }
}

} // namespace

TEST_CASE("a node killed mid-ingest loses and doubles nothing") {
  auto log = build_cloud_log(240, 6, 6, 42);
  INFO(log.lines.size() << " lines");
  spine_options options{/*inactivity_timeout_s=*/8, /*linger_s=*/0.5};

  spine_env crashed{options};
  crashed.start_node();
  std::atomic<bool> shipped{false};
  std::thread shipper{[&] { ship(crashed, log, shipped); }};
  // Kill it once a good part of the calls' events exist, and again later.
  for (std::uint64_t at : {4000u, 12000u}) {
    while (crashed.events_head() < at && !shipped)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    crashed.kill_node();
    crashed.start_node();
  }
  shipper.join();
  crashed.wait_until_settled(std::chrono::seconds{180});

  spine_env clean{options};
  clean.start_node();
  std::atomic<bool> clean_shipped{false};
  ship(clean, log, clean_shipped);
  clean.wait_until_settled(std::chrono::seconds{180});

  INFO("crashed node's log:\n" << crashed.node_log());
  CHECK(clean.query_value("select count(*) from sessions") == "240");
  CHECK(crashed.query_value("select count(*) from sessions") == "240");
  CHECK(crashed.query_value("select count(*) from turns")
        == clean.query_value("select count(*) from turns"));
  CHECK(crashed.query_value(
          "select count(*) from sessions where end_reason = 'signal_lost'")
        == "34"); // every 7th call never ends
  auto want = clean.dump_tables();
  auto got = crashed.dump_tables();
  REQUIRE(got.size() > 1000);
  auto diff = first_difference(got, want);
  INFO("first difference, crashed run then clean run:\n" << diff);
  CHECK(diff.empty());
}
