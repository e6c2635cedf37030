#include "checks.hpp"
#include "test_server.hpp"

using namespace sb::test;

namespace {

const std::string pipecat_target = "/v1/ingest/pipecat?agent_id=agent-a";

} // namespace

TEST_CASE("POST /v1/ingest/pipecat answers 202 with the report",
          "[http][ingest]") {
  test_server s;
  s.ingest.report.lines = 10;
  s.ingest.report.kept = 4;
  s.ingest.report.dropped = 5;
  s.ingest.report.dead_lettered = 1;
  s.ingest.report.call_ids = {"c-1", "c-2"};
  auto r = s.post(pipecat_target + "&call_id=c-1", "line 1\nline 2\n");
  CHECK(r.status == 202);
  CHECK(r.header("content-type") == "application/json");
  CHECK(r.json()
        == nlohmann::json{{"lines", 10},
                          {"kept", 4},
                          {"dropped", 5},
                          {"dead_lettered", 1},
                          {"call_ids", {"c-1", "c-2"}}});
  REQUIRE(s.ingest.pipecat_calls.size() == 1);
  const auto& call = s.ingest.pipecat_calls[0];
  CHECK(call.tenant_id == "t1");
  CHECK(call.agent_id == "agent-a");
  CHECK(call.call_id == "c-1");
  CHECK(call.body == "line 1\nline 2\n");
}

TEST_CASE("an unnamed call's generated id is returned as call_id",
          "[http][ingest]") {
  test_server s;
  s.ingest.report.lines = 1;
  s.ingest.report.kept = 1;
  s.ingest.report.call_ids = {"3f0c6a52-generated"};
  s.ingest.report.generated_call_id = "3f0c6a52-generated";
  auto r = s.post(pipecat_target, "x\n");
  CHECK(r.status == 202);
  CHECK(r.json()["call_id"] == "3f0c6a52-generated");
  CHECK(r.json()["call_ids"] == nlohmann::json{"3f0c6a52-generated"});
  CHECK(s.ingest.pipecat_calls.at(0).call_id.empty());
}

TEST_CASE("the body reaches the ingest service byte for byte",
          "[http][ingest]") {
  test_server s;
  SECTION("binary garbage, NUL bytes and invalid UTF-8") {
    std::string body;
    for (int i = 0; i < 256; ++i)
      body.push_back(static_cast<char>(i));
    body += "\xff\xfe\xc3\x28 invalid \xe2\x82 utf-8\r\n\0\0end";
    body.push_back('\0');
    auto r = s.post(pipecat_target, body);
    CHECK(r.status == 202);
    CHECK(r.json().is_object());
    REQUIRE(s.ingest.pipecat_calls.size() == 1);
    CHECK(s.ingest.pipecat_calls[0].body == body);
  }
  SECTION("a 10 MB line") {
    std::string body(10'000'000, 'a');
    body += "\nshort line\n";
    auto r = s.post(pipecat_target, body);
    CHECK(r.status == 202);
    REQUIRE(s.ingest.pipecat_calls.size() == 1);
    CHECK(s.ingest.pipecat_calls[0].body == body);
  }
}

TEST_CASE("ingest needs a valid admin key", "[http][ingest][auth]") {
  test_server s;
  SECTION("no key") {
    auto r = s.post(pipecat_target, "x", "");
    check_error(r, 401, "unauthorized");
    CHECK(r.header("www-authenticate") == "Bearer");
  }
  SECTION("a wrong key") {
    check_error(s.post(pipecat_target, "x", "nope"), 401, "unauthorized");
  }
  SECTION("not a bearer header") {
    for (auto value : {"Basic YWRtaW46eA==", "Bearer", "Bearer ",
                       "admin-key-1", "Beareradmin-key-1"}) {
      CAPTURE(value);
      check_error(s.request("POST", pipecat_target, "x",
                            {{"Authorization", value}}),
                  401, "unauthorized");
    }
  }
  SECTION("the scheme is case-insensitive") {
    auto r = s.request("POST", pipecat_target, "x",
                       {{"Authorization", "bearer  admin-key-1"}});
    CHECK(r.status == 202);
  }
  SECTION("a viewer key") {
    check_error(s.post(pipecat_target, "x", "viewer-key-1"), 403,
                "forbidden");
  }
  SECTION("nothing reached the ingest service on failure") {
    check_error(s.post(pipecat_target, "x", "viewer-key-1"), 403,
                "forbidden");
    check_error(s.post(pipecat_target, "x", "nope"), 401, "unauthorized");
    CHECK(s.ingest.pipecat_calls.empty());
  }
}

TEST_CASE("ingest validates its query", "[http][ingest]") {
  test_server s;
  check_error(s.post("/v1/ingest/pipecat", "x"), 400, "missing_agent_id");
  check_error(s.post("/v1/ingest/pipecat?agent_id=", "x"), 400,
              "missing_agent_id");
  check_error(s.post("/v1/ingest/pipecat?call_id=c", "x"), 400,
              "missing_agent_id");
  for (auto bad : {"-a", "_a", ".a", "a%20b", "a/b", "a%00", "%C3%A9",
                   "a*"}) {
    CAPTURE(bad);
    check_error(s.post(std::string{"/v1/ingest/pipecat?agent_id="} + bad,
                       "x"),
                400, "invalid_agent_id");
  }
  check_error(s.post("/v1/ingest/pipecat?agent_id=" + std::string(65, 'a'),
                     "x"),
              400, "invalid_agent_id");
  auto unknown = check_error(
    s.post("/v1/ingest/pipecat?agent_id=a&colour=red", "x"), 400,
    "unknown_parameter");
  CHECK(unknown["parameter"] == "colour");
  CHECK(unknown["message"].get<std::string>().find("colour")
        != std::string::npos);
  auto twice = check_error(
    s.post("/v1/ingest/pipecat?agent_id=a&agent_id=b", "x"), 400,
    "duplicate_parameter");
  CHECK(twice["parameter"] == "agent_id");
  check_error(s.post("/v1/ingest/pipecat?agent_id=a%zz", "x"), 400,
              "invalid_query");
  check_error(s.post("/v1/ingest/pipecat?agent_id=a&call_id=", "x"), 400,
              "invalid_call_id");
  check_error(s.post("/v1/ingest/pipecat?agent_id=a&call_id="
                       + std::string(129, 'c'),
                     "x"),
              400, "invalid_call_id");
  check_error(s.post("/v1/ingest/pipecat?agent_id=a&call_id=c%0Ad", "x"),
              400, "invalid_call_id");
  CHECK(s.ingest.pipecat_calls.empty());
  // The longest and the most varied valid ids pass.
  CHECK(s.post("/v1/ingest/pipecat?agent_id=" + std::string(64, 'a'), "x")
          .status
        == 202);
  CHECK(s.post("/v1/ingest/pipecat?agent_id=A9_.:-z", "x").status == 202);
  CHECK(s.ingest.pipecat_calls.at(1).agent_id == "A9_.:-z");
}

TEST_CASE("an empty body is a 400", "[http][ingest]") {
  test_server s;
  check_error(s.post(pipecat_target, ""), 400, "empty_body");
  check_error(s.post("/v1/ingest/events?agent_id=a", ""), 400, "empty_body");
  CHECK(s.ingest.pipecat_calls.empty());
  CHECK(s.ingest.signals_calls.empty());
}

TEST_CASE("an ingest service failure is a 503", "[http][ingest]") {
  test_server s;
  s.ingest.fail = true;
  check_error(s.post(pipecat_target, "x\n"), 503, "unavailable");
  check_error(
    s.post("/v1/ingest/events?agent_id=a",
           R"([{"call_id":"c","type":"ringing","at":1759715049485}])"),
    503, "unavailable");
}
