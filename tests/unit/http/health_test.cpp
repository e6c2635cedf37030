#include "checks.hpp"
#include "test_server.hpp"

#include <stdexcept>

using namespace sb::test;

TEST_CASE("GET /healthz answers 200 with the probe's fields, no key needed",
          "[http][health]") {
  test_server s{[](auto& cfg) {
    cfg.probe = [] {
      return nlohmann::json{{"status", "ok"}, {"nats", "connected"}};
    };
  }};
  auto r = s.get("/healthz");
  CHECK(r.status == 200);
  CHECK(r.header("content-type") == "application/json");
  CHECK(r.json() == nlohmann::json{{"status", "ok"}, {"nats", "connected"}});
}

TEST_CASE("GET /healthz without a probe says ok", "[http][health]") {
  test_server s;
  auto r = s.get("/healthz");
  CHECK(r.status == 200);
  CHECK(r.json() == nlohmann::json{{"status", "ok"}});
}

TEST_CASE("GET /healthz answers 503 when the probe is not ok",
          "[http][health]") {
  SECTION("status says so") {
    test_server s{[](auto& cfg) {
      cfg.probe = [] {
        return nlohmann::json{{"status", "degraded"}, {"db", "down"}};
      };
    }};
    auto r = s.get("/healthz");
    CHECK(r.status == 503);
    CHECK(r.json() == nlohmann::json{{"status", "degraded"}, {"db", "down"}});
  }
  SECTION("the probe throws") {
    test_server s{[](auto& cfg) {
      cfg.probe = []() -> nlohmann::json {
        throw std::runtime_error("probe broke");
      };
    }};
    auto r = s.get("/healthz");
    CHECK(r.status == 503);
    CHECK(r.json()["status"] == "error");
    CHECK(r.json()["error"] == "probe broke");
  }
}
