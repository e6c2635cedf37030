// Issue 10, fault 3: nats-server is down for 30 s (a restart, an upgrade, a
// crash and its supervisor's back-off) while a shipper posts logs. The node
// must ride it out: keep running, keep answering /healthz and reads of what
// PostgreSQL already holds, refuse ingest quickly with 503 so the shipper
// retries, and once NATS is back own its partitions again and end with the
// tables of a run that never saw the outage.

#include "fault_support.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <sstream>
#include <thread>

using namespace sb::test;

namespace {

constexpr auto outage = std::chrono::seconds{30};
/// "Within a few seconds" for a read or /healthz.
constexpr auto prompt = std::chrono::seconds{5};
/// "Quickly" for a refused ingest: README's "a publish waits at most 2 s",
/// and a second to spare.
constexpr auto quick_refusal = std::chrono::seconds{3};

// Longer than the outage: a call whose signals wait for NATS is not lost.
const spine_options options{/*inactivity_timeout_s=*/120, /*linger_s=*/0.5};

/// What one probe of the node saw during the outage.
struct probe {
  int second = 0; ///< since NATS stopped
  bool running = true;
  int health = 0, read = 0, ingest = 0; ///< HTTP statuses, 0: no answer
  std::chrono::milliseconds health_ms{0}, read_ms{0}, ingest_ms{0};
};

/// The request's HTTP status; 0 when it got no answer.
template <class Request>
int status_of(Request&& request) {
  try {
    return request().status;
  } catch (const std::exception&) {
    return 0;
  }
}

std::string describe(const std::vector<probe>& probes) {
  std::ostringstream out;
  for (const auto& p : probes)
    out << "t+" << p.second << "s: " << (p.running ? "running" : "EXITED")
        << ", /healthz " << p.health << " in " << p.health_ms.count()
        << " ms, read " << p.read << " in " << p.read_ms.count()
        << " ms, ingest " << p.ingest << " in " << p.ingest_ms.count()
        << " ms\n";
  return out.str();
}

} // namespace

TEST_CASE("a 30-s NATS outage leaves the node running and serving, and "
          "loses nothing",
          "[faults][nats]") {
  auto before = build_cloud_log(10, 3, 2, 3001, 0);
  // Three shippers at once (three agents' logs), as many as the node has
  // HTTP threads and one more.
  std::vector<built_log> during{build_cloud_log(55, 6, 4, 3002, 0),
                                build_cloud_log(55, 6, 4, 3003, 0),
                                build_cloud_log(55, 6, 4, 3004, 0)};
  auto probe_call = build_cloud_log(1, 1, 0, 3005, 0);
  auto stored_id = before.call_ids.front();

  spine_env env{options};
  env.start_node();
  ship(env, before);
  env.wait_until_settled(std::chrono::seconds{60});
  REQUIRE(env.get("/v1/conversations/" + stored_id).status == 200);

  std::vector<probe> probes;
  {
    // Each follows its log as it is written: ~20 chunks of 1,000 lines,
    // one every half second, so the outage comes in the middle of them.
    std::vector<std::unique_ptr<log_shipper>> shippers;
    for (const auto& log : during)
      shippers.push_back(std::make_unique<log_shipper>(
        env, log, ship_pace{1000, std::chrono::milliseconds{500}}));
    auto accepted = [&] {
      std::size_t n = 0;
      for (auto& shipper : shippers)
        n += shipper->accepted();
      return n;
    };
    while (accepted() < 15)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    INFO("NATS stopped at " << env.events_head() << " events, " << accepted()
                            << " chunks accepted");
    env.nats().stop();
    auto stopped_at = std::chrono::steady_clock::now();
    // Let the node notice, then look at it once a second.
    std::this_thread::sleep_for(std::chrono::seconds{2});
    while (std::chrono::steady_clock::now() < stopped_at + outage) {
      probe p;
      p.second
        = static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::steady_clock::now() - stopped_at)
                             .count());
      p.running = env.node_running();
      p.health_ms = time_of([&] {
        p.health = status_of([&] {
          return http_request(static_cast<std::uint16_t>(env.node_port()),
                              "GET", "/healthz");
        });
      });
      p.read_ms = time_of([&] {
        p.read = status_of(
          [&] { return env.get("/v1/conversations/" + stored_id); });
      });
      p.ingest_ms = time_of([&] {
        p.ingest = status_of(
          [&] { return env.ingest(probe_call.body(), "agent_id=shop-bot"); });
      });
      probes.push_back(p);
      if (!p.running)
        break;
      std::this_thread::sleep_for(std::chrono::seconds{1});
    }
    env.nats().start();
    std::ostringstream shipped;
    for (auto& shipper : shippers) {
      auto& r = shipper->report();
      std::lock_guard<std::mutex> guard{r.mtx};
      shipped << "shipper: " << r.refused_statuses.size()
              << " refusals (slowest " << r.slowest_refusal.count() << " ms), "
              << r.failed_connections << " failed connections, slowest accept "
              << r.slowest_accept.count() << " ms\n";
    }
    INFO("during the outage:\n"
         << describe(probes) << shipped.str() << node_state(env));
    for (const auto& p : probes) {
      CAPTURE(p.second);
      REQUIRE(p.running);
      CHECK(p.health == 200);
      CHECK(p.health_ms < prompt);
      CHECK(p.read == 200);
      CHECK(p.read_ms < prompt);
      CHECK(p.ingest == 503);
      CHECK(p.ingest_ms < quick_refusal);
    }
    // NATS is back: after a TTL to notice what expired and take it back,
    // every partition is the node's again and stays so; the shippers'
    // retries get through.
    std::this_thread::sleep_for(lease_ttl);
    bool owns_all = wait_for_partitions(env, 64, std::chrono::seconds{90});
    INFO("after the outage: " << node_state(env));
    REQUIRE(owns_all);
    auto watched = watch_node(env, 2 * lease_ttl);
    INFO("2 lease TTLs later: " << node_state(env));
    REQUIRE(watched.ran_throughout);
    REQUIRE(watched.least_owned == 64);
    for (auto& shipper : shippers)
      REQUIRE(shipper->wait(std::chrono::seconds{240}));
  }
  // The probe call may have been taken before NATS went, or not at all:
  // send it once more, as a shipper that got a 503 would.
  ship(env, probe_call);
  env.wait_until_settled(std::chrono::seconds{240});
  REQUIRE(env.node_running());

  spine_env clean{options};
  clean.start_node();
  ship(clean, before);
  clean.wait_until_settled(std::chrono::seconds{60});
  for (const auto& log : during)
    ship(clean, log);
  ship(clean, probe_call);
  clean.wait_until_settled(std::chrono::seconds{240});

  auto want = clean.dump_tables();
  auto got = env.dump_tables();
  REQUIRE(got.size() > 1000);
  auto diff = first_difference(got, want);
  INFO("first difference, outage run then clean run:\n" << diff);
  CHECK(diff.empty());
}
