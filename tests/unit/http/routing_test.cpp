#include "checks.hpp"
#include "test_server.hpp"

#include <atomic>
#include <thread>
#include <vector>

using namespace sb::test;

TEST_CASE("unknown routes answer 404 JSON", "[http][routing]") {
  test_server s;
  for (auto target : {"/", "/v1", "/v1/conversation", "/v2/ingest/pipecat",
                      "/v1/conversations/call-1/turns", "/healthz/x"}) {
    CAPTURE(target);
    check_error(s.get(target, "admin-key-1"), 404, "not_found");
  }
  check_error(s.post("/v1/nothing", "x"), 404, "not_found");
}

TEST_CASE("a known route with the wrong method answers 405 JSON",
          "[http][routing]") {
  test_server s;
  struct probe {
    const char* method;
    const char* target;
    const char* allow;
  };
  for (auto p : {probe{"POST", "/healthz", "GET"},
                 probe{"GET", "/v1/ingest/pipecat?agent_id=a", "POST"},
                 probe{"PUT", "/v1/ingest/events", "POST"},
                 probe{"DELETE", "/v1/conversations/call-1", "GET"},
                 probe{"POST", "/v1/conversations/call-1/transcript", "GET"},
                 probe{"HEAD", "/healthz", "GET"}}) {
    CAPTURE(p.method, p.target);
    auto r = s.request(p.method, p.target, {}, bearer("admin-key-1"));
    if (std::string{p.method} == "HEAD") {
      CHECK(r.status == 405); // no body in an answer to HEAD
      continue;
    }
    check_error(r, 405, "method_not_allowed");
    CHECK(r.header("allow") == p.allow);
  }
}

TEST_CASE("a body over the limit answers 413 JSON", "[http][routing]") {
  test_server s{[](auto& cfg) { cfg.max_body_bytes = 1024; }};
  auto at_limit = s.post("/v1/ingest/pipecat?agent_id=a",
                         std::string(1024, 'x'));
  CHECK(at_limit.status == 202);
  auto over = s.post("/v1/ingest/pipecat?agent_id=a", std::string(1025, 'x'));
  check_error(over, 413, "payload_too_large");
  CHECK(s.ingest.pipecat_calls.size() == 1);
  // On any route, before authentication.
  check_error(s.request("POST", "/nowhere", std::string(1500, 'x')), 413,
              "payload_too_large");
}

TEST_CASE("the default limit is 64 MiB", "[http][routing][slow]") {
  test_server s;
  std::string body(std::size_t{64} << 20, 'x');
  body.push_back('y');
  check_error(s.post("/v1/ingest/pipecat?agent_id=a", body), 413,
              "payload_too_large");
  body.pop_back();
  CHECK(s.post("/v1/ingest/pipecat?agent_id=a", body).status == 202);
  REQUIRE(s.ingest.pipecat_calls.size() == 1);
  CHECK(s.ingest.pipecat_calls[0].body.size() == body.size());
}

TEST_CASE("start picks a free port, refuses a busy one, stop is clean",
          "[http][server]") {
  test_server s;
  CHECK(s.port != 0);
  CHECK(s.server.port() == s.port);
  // A second server on the same port fails cleanly.
  sb::app::http::api_server other;
  sb::app::http::api_config cfg;
  cfg.port = s.port;
  cfg.stores = s.db.factory();
  cfg.ingest = &s.ingest;
  CHECK_FALSE(other.start(cfg));
  CHECK(other.port() == 0);
  // Starting twice fails; stop is idempotent; a stopped server is gone.
  cfg.port = 0;
  CHECK_FALSE(s.server.start(cfg));
  s.server.stop();
  s.server.stop();
  CHECK(s.server.port() == 0);
  CHECK_THROWS(http_request(s.port, "GET", "/healthz"));
  // And can start again.
  REQUIRE(s.server.start(cfg));
  CHECK(http_request(s.server.port(), "GET", "/healthz").status == 200);
}

TEST_CASE("start rejects a config without store factory or ingest service",
          "[http][server]") {
  sb::app::http::api_server server;
  sb::app::http::api_config cfg;
  cfg.port = 0;
  CHECK_FALSE(server.start(cfg));
  fake_db db;
  cfg.stores = db.factory();
  CHECK_FALSE(server.start(cfg));
  CHECK(server.port() == 0);
}

TEST_CASE("concurrent requests are all served", "[http][server]") {
  test_server s{[](auto& cfg) { cfg.threads = 3; }};
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 6; ++t)
    clients.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        auto r = s.get("/v1/conversations/call-1", "viewer-key-1");
        if (r.status == 200 && r.json()["id"] == "call-1")
          ++ok;
      }
    });
  for (auto& c : clients)
    c.join();
  CHECK(ok == 120);
  // Never more stores than threads.
  CHECK(s.db.stores_made <= 3);
}
