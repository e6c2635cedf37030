#include "checks.hpp"
#include "test_server.hpp"

#include <chrono>
#include <thread>

using namespace sb::test;
using namespace std::chrono_literals;

TEST_CASE("a good key is looked up once, then cached", "[http][auth]") {
  test_server s;
  CHECK(s.get("/v1/conversations/call-1", "admin-key-1").status == 200);
  CHECK(s.get("/v1/conversations/call-1", "admin-key-1").status == 200);
  CHECK(s.post("/v1/ingest/pipecat?agent_id=a", "x").status == 202);
  CHECK(s.db.authenticate_calls == 1);
  // Unknown keys are not cached: each try asks the store.
  s.get("/v1/conversations/call-1", "wrong");
  s.get("/v1/conversations/call-1", "wrong");
  CHECK(s.db.authenticate_calls == 3);
}

TEST_CASE("a revoked key works until its cache entry expires",
          "[http][auth]") {
  test_server s{[](auto& cfg) { cfg.auth_cache_ttl = 200ms; }};
  CHECK(s.get("/v1/conversations/call-1", "admin-key-1").status == 200);
  {
    std::lock_guard<std::mutex> guard{s.db.mtx};
    s.db.keys.erase("admin-key-1");
  }
  CHECK(s.get("/v1/conversations/call-1", "admin-key-1").status == 200);
  std::this_thread::sleep_for(300ms);
  check_error(s.get("/v1/conversations/call-1", "admin-key-1"), 401,
              "unauthorized");
}

TEST_CASE("a store that lost its connection is replaced", "[http][pool]") {
  test_server s;
  CHECK(s.get("/v1/conversations/call-1", "admin-key-1").status == 200);
  auto made = s.db.stores_made.load();
  s.db.fail_next_calls = 1; // the next find_session
  check_error(s.get("/v1/conversations/call-1", "admin-key-1"), 503,
              "unavailable");
  CHECK(s.get("/v1/conversations/call-1", "admin-key-1").status == 200);
  CHECK(s.db.stores_made == made + 1);
}

TEST_CASE("no database means 503 unavailable", "[http][pool]") {
  test_server s;
  s.db.factory_fails = true;
  check_error(s.get("/v1/conversations/call-1", "admin-key-1"), 503,
              "unavailable");
  check_error(s.post("/v1/ingest/pipecat?agent_id=a", "x"), 503,
              "unavailable");
  CHECK(s.ingest.pipecat_calls.empty());
  // Health does not need the store.
  CHECK(s.get("/healthz").status == 200);
  s.db.factory_fails = false;
  CHECK(s.get("/v1/conversations/call-1", "admin-key-1").status == 200);
}

TEST_CASE("authentication failing in the store is 503, not 401",
          "[http][auth]") {
  test_server s;
  s.db.fail_next_calls = 1; // the authenticate call
  check_error(s.get("/v1/conversations/call-1", "admin-key-1"), 503,
              "unavailable");
  CHECK(s.get("/v1/conversations/call-1", "admin-key-1").status == 200);
}
