// Handlers run on lanes with their own threads and bounds: ingest handlers
// blocked on JetStream never delay reads or /healthz, and a full ingest
// lane answers 503 at once instead of queueing.

#include "checks.hpp"
#include "test_server.hpp"

#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace sb::test;
using namespace std::chrono_literals;

namespace {

/// The bound for "did not wait behind a blocked handler": blocked ones
/// wait up to 30 s (the gate's limit).
constexpr auto prompt = 2s;

/// `request()`'s answer and how long it took.
template <class F>
std::pair<http_response, std::chrono::steady_clock::duration> timed(F f) {
  auto began = std::chrono::steady_clock::now();
  auto r = f();
  return {std::move(r), std::chrono::steady_clock::now() - began};
}

std::future<http_response> post_async(test_server& s,
                                      const std::string& target) {
  return std::async(std::launch::async,
                    [&s, target] { return s.post(target, "x\n"); });
}

} // namespace

TEST_CASE("blocked ingest handlers do not delay /healthz or reads",
          "[http][lanes]") {
  test_server s{[](auto& cfg) {
    cfg.threads = 1;
    cfg.ingest_threads = 2;
    cfg.ingest_queue = 2;
    cfg.probe = [] {
      return nlohmann::json{{"status", "ok"}};
    };
  }};
  s.ingest.hold.shut();
  open_on_exit opener{s.ingest.hold};
  // Every ingest thread is stuck "publishing".
  std::vector<std::future<http_response>> ingests;
  ingests.push_back(post_async(s, "/v1/ingest/pipecat?agent_id=a"));
  ingests.push_back(post_async(s, "/v1/ingest/pipecat?agent_id=b"));
  REQUIRE(s.ingest.hold.wait_held(2));
  for (int i = 0; i < 3; ++i) {
    auto [health, health_took] = timed([&] { return s.get("/healthz"); });
    CHECK(health.status == 200);
    CHECK(health_took < prompt);
    auto [read, read_took] = timed(
      [&] { return s.get("/v1/conversations/call-1", "viewer-key-1"); });
    CHECK(read.status == 200);
    CHECK(read.json()["id"] == "call-1");
    CHECK(read_took < prompt);
    auto [turns, turns_took] = timed([&] {
      return s.get("/v1/conversations/call-1/transcript", "viewer-key-1");
    });
    CHECK(turns.status == 200);
    CHECK(turns_took < prompt);
  }
  // Released, the ingests complete.
  s.ingest.hold.open();
  for (auto& f : ingests)
    CHECK(f.get().status == 202);
  CHECK(s.ingest.pipecat_calls.size() == 2);
}

TEST_CASE("a full ingest lane answers 503 with Retry-After at once",
          "[http][lanes]") {
  test_server s{[](auto& cfg) {
    cfg.ingest_threads = 1;
    cfg.ingest_queue = 0;
  }};
  s.ingest.hold.shut();
  open_on_exit opener{s.ingest.hold};
  auto busy = post_async(s, "/v1/ingest/pipecat?agent_id=a");
  REQUIRE(s.ingest.hold.wait_held(1));
  auto [refused, took]
    = timed([&] { return s.post("/v1/ingest/pipecat?agent_id=b", "x\n"); });
  check_error(refused, 503, "unavailable");
  CHECK(refused.header("retry-after") == "1");
  CHECK(took < prompt);
  // The events route shares the lane.
  auto events = s.post("/v1/ingest/events?agent_id=a",
                       R"([{"call_id":"c","type":"ringing","at":1}])");
  check_error(events, 503, "unavailable");
  CHECK(events.header("retry-after") == "1");
  // Reads are another lane.
  CHECK(s.get("/v1/conversations/call-1", "viewer-key-1").status == 200);
  s.ingest.hold.open();
  CHECK(busy.get().status == 202);
  // The place is free again once the busy request's thread has let it go,
  // which may be just after its client read the answer: until then a
  // request is told to retry, and nothing is taken in.
  int status = 0;
  for (int i = 0; i < 200 && status != 202; ++i) {
    status = s.post("/v1/ingest/pipecat?agent_id=c", "x\n").status;
    if (status != 202) {
      CHECK(status == 503);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  CHECK(status == 202);
  std::lock_guard<std::mutex> guard{s.ingest.mtx};
  REQUIRE(s.ingest.pipecat_calls.size() == 2);
  CHECK(s.ingest.pipecat_calls[0].agent_id == "a");
  CHECK(s.ingest.pipecat_calls[1].agent_id == "c");
  CHECK(s.ingest.signals_calls.empty());
}

TEST_CASE("ingest requests within the lane's queue wait for a thread",
          "[http][lanes]") {
  test_server s{[](auto& cfg) {
    cfg.ingest_threads = 1;
    cfg.ingest_queue = 2;
  }};
  s.ingest.hold.shut();
  open_on_exit opener{s.ingest.hold};
  std::vector<std::future<http_response>> ingests;
  ingests.push_back(post_async(s, "/v1/ingest/pipecat?agent_id=a"));
  REQUIRE(s.ingest.hold.wait_held(1));
  ingests.push_back(post_async(s, "/v1/ingest/pipecat?agent_id=b"));
  ingests.push_back(post_async(s, "/v1/ingest/pipecat?agent_id=c"));
  s.ingest.hold.open();
  for (auto& f : ingests)
    CHECK(f.get().status == 202);
  CHECK(s.ingest.pipecat_calls.size() == 3);
}

TEST_CASE("blocked reads do not delay /healthz or ingest", "[http][lanes]") {
  test_server s{[](auto& cfg) {
    cfg.threads = 1;
    cfg.read_queue = 0;
  }};
  s.db.find_gate.shut();
  open_on_exit opener{s.db.find_gate};
  auto read = std::async(std::launch::async, [&s] {
    return s.get("/v1/conversations/call-1", "viewer-key-1");
  });
  REQUIRE(s.db.find_gate.wait_held(1));
  auto [health, health_took] = timed([&] { return s.get("/healthz"); });
  CHECK(health.status == 200);
  CHECK(health_took < prompt);
  auto [ingest, ingest_took]
    = timed([&] { return s.post("/v1/ingest/pipecat?agent_id=a", "x\n"); });
  CHECK(ingest.status == 202);
  CHECK(ingest_took < prompt);
  // The read lane is full: another read is refused at once.
  auto [refused, refused_took]
    = timed([&] { return s.get("/v1/conversations/call-1", "viewer-key-1"); });
  check_error(refused, 503, "unavailable");
  CHECK(refused_took < prompt);
  s.db.find_gate.open();
  CHECK(read.get().status == 200);
}

TEST_CASE("a handler that throws answers 500 internal", "[http][server]") {
  test_server s;
  s.db.throw_next_calls = 1;
  check_error(s.get("/v1/conversations/call-1", "viewer-key-1"), 500,
              "internal");
  CHECK(s.get("/v1/conversations/call-1", "viewer-key-1").status == 200);
}

TEST_CASE("stop lets a running handler answer", "[http][server]") {
  test_server s;
  s.ingest.hold.shut();
  open_on_exit opener{s.ingest.hold};
  auto busy = post_async(s, "/v1/ingest/pipecat?agent_id=a");
  REQUIRE(s.ingest.hold.wait_held(1));
  auto stopped = std::async(std::launch::async, [&s] { s.server.stop(); });
  s.ingest.hold.open();
  CHECK(busy.get().status == 202);
  stopped.get();
  CHECK(s.server.port() == 0);
  CHECK_THROWS(http_request(s.port, "GET", "/healthz"));
}
