#include "checks.hpp"
#include "test_server.hpp"

using namespace sb::test;

TEST_CASE("GET /v1/conversations/{id} answers the session",
          "[http][conversations]") {
  test_server s;
  auto r = s.get("/v1/conversations/call-1", "viewer-key-1");
  CHECK(r.status == 200);
  CHECK(r.header("content-type") == "application/json");
  CHECK(r.json()
        == nlohmann::json{
          {"id", "call-1"},
          {"tenant_id", "t1"},
          {"agent_id", "agent-a"},
          {"status", "completed"},
          {"end_reason", "user_hangup"},
          {"direction", "inbound"},
          {"language", "en"},
          {"started_at", "2025-10-06T01:44:09.485Z"},
          {"ended_at", "2025-10-06T01:45:10.719Z"},
          {"duration_ms", 61234},
          {"turn_count", 2},
          {"first_user_text", "Hi, I need a table for two."},
          {"first_agent_text", "Sure, for when?"},
          {"interruptions", 1},
          {"provider", nullptr},
          {"campaign_id", nullptr},
          {"answered_at", nullptr},
          {"errors", 0},
          {"tool_calls", 0},
          {"tool_errors", 0},
          {"cost",
           {{"total", 0.0},
            {"currency", "USD"},
            {"llm_prompt", 0.0},
            {"llm_completion", 0.0},
            {"llm_cached", 0.0},
            {"tts", 0.0},
            {"stt", 0.0},
            {"telephony", 0.0}}},
          {"sentiment", "unknown"},
          {"tags", nlohmann::json::array()},
          {"main_request", nullptr},
          {"summary", nullptr},
          {"success", "unknown"},
          {"latency",
           {{"user_to_bot_p50_ms", nullptr}, {"user_to_bot_p95_ms", nullptr}}},
          {"rules_version", 0},
        });
}

TEST_CASE("a live conversation has nulls where nothing is known yet",
          "[http][conversations]") {
  test_server s;
  auto r = s.get("/v1/conversations/call-live", "admin-key-1");
  CHECK(r.status == 200);
  auto j = r.json();
  CHECK(j["status"] == "active");
  CHECK(j["started_at"] == "2025-10-06T01:44:09.485Z");
  for (auto key : {"end_reason", "ended_at", "duration_ms", "direction",
                   "language", "first_user_text", "first_agent_text"}) {
    CAPTURE(key);
    REQUIRE(j.contains(key));
    CHECK(j[key].is_null());
  }
  CHECK(j["turn_count"] == 0);
  CHECK(j.size() == 28);
}

TEST_CASE("GET /v1/conversations/{id}/transcript answers the turns",
          "[http][conversations]") {
  test_server s;
  auto r = s.get("/v1/conversations/call-1/transcript", "viewer-key-1");
  CHECK(r.status == 200);
  CHECK(r.json()
        == nlohmann::json{
          {"items",
           {{{"turn", 1},
             {"speaker", "user"},
             {"text", "Hi, I need a table for two."},
             {"started_at", "2025-10-06T01:44:10.485Z"},
             {"ended_at", "2025-10-06T01:44:11.985Z"},
             {"interrupted", false}},
            {{"turn", 2},
             {"speaker", "agent"},
             {"text", "Sure, for when?"},
             {"started_at", "2025-10-06T01:44:12.485Z"},
             {"ended_at", nullptr},
             {"interrupted", true}}}}});
  auto live = s.get("/v1/conversations/call-live/transcript", "admin-key-1");
  CHECK(live.status == 200);
  CHECK(live.json() == nlohmann::json{{"items", nlohmann::json::array()}});
}

TEST_CASE("another tenant's or a missing conversation is 404",
          "[http][conversations]") {
  test_server s;
  check_error(s.get("/v1/conversations/call-2", "admin-key-1"), 404,
              "not_found");
  check_error(s.get("/v1/conversations/call-2/transcript", "admin-key-1"),
              404, "not_found");
  check_error(s.get("/v1/conversations/nope", "admin-key-1"), 404,
              "not_found");
  check_error(s.get("/v1/conversations/nope/transcript", "admin-key-1"), 404,
              "not_found");
  // The owner sees it.
  CHECK(s.get("/v1/conversations/call-2", "admin-key-2").status == 200);
  CHECK(s.get("/v1/conversations/call-1", "admin-key-2").status == 404);
}

TEST_CASE("conversation ids are percent-decoded", "[http][conversations]") {
  test_server s;
  {
    std::lock_guard<std::mutex> guard{s.db.mtx};
    auto odd = s.db.sessions.front();
    odd.id = "sip:a b@x";
    s.db.sessions.push_back(odd);
  }
  auto r = s.get("/v1/conversations/sip%3Aa%20b%40x", "admin-key-1");
  CHECK(r.status == 200);
  CHECK(r.json()["id"] == "sip:a b@x");
  check_error(s.get("/v1/conversations/bad%zz", "admin-key-1"), 400,
              "invalid_path");
  check_error(s.get("/v1/conv%zz", "admin-key-1"), 400, "invalid_path");
}

TEST_CASE("conversations need a key and take no parameters",
          "[http][conversations]") {
  test_server s;
  check_error(s.get("/v1/conversations/call-1"), 401, "unauthorized");
  check_error(s.get("/v1/conversations/call-1", "wrong"), 401,
              "unauthorized");
  check_error(s.get("/v1/conversations/call-1/transcript"), 401,
              "unauthorized");
  auto error = check_error(
    s.get("/v1/conversations/call-1?verbose=1", "admin-key-1"), 400,
    "unknown_parameter");
  CHECK(error["parameter"] == "verbose");
}
