#include "checks.hpp"
#include "test_server.hpp"

using namespace sb::test;

namespace {

const std::string events_target = "/v1/ingest/events?agent_id=agent-a";

} // namespace

TEST_CASE("POST /v1/ingest/events forwards the signals and answers 202",
          "[http][events]") {
  test_server s;
  s.ingest.report.call_ids = {"c-1"};
  auto body = R"([
    {"call_id":"c-1","type":"ringing","at":"2025-10-06T01:44:09.485Z"},
    {"call_id":"c-1","type":"answered","at":1759715050000,
     "direction":"inbound","from":"+4930111"},
    {"call_id":"c-1","type":"hungup","at":"2025-10-06T03:45:00+02:00",
     "reason":"user_hangup"}
  ])";
  auto r = s.post(events_target, body);
  CHECK(r.status == 202);
  CHECK(r.json()
        == nlohmann::json{{"lines", 3},
                          {"kept", 3},
                          {"dropped", 0},
                          {"dead_lettered", 0},
                          {"call_ids", {"c-1"}}});
  REQUIRE(s.ingest.signals_calls.size() == 1);
  const auto& call = s.ingest.signals_calls[0];
  CHECK(call.tenant_id == "t1");
  CHECK(call.agent_id == "agent-a");
  REQUIRE(call.signals.size() == 3);
  CHECK(call.signals[0].kind == sb::signal_kind::call_ringing);
  CHECK(call.signals[0].at_us == call_1_start_us);
  CHECK(call.signals[1].kind == sb::signal_kind::call_answered);
  CHECK(call.signals[1].detail
        == R"({"direction":"inbound","from":"+4930111"})");
  CHECK(call.signals[2].kind == sb::signal_kind::call_hungup);
  CHECK(call.signals[2].detail == "user_hangup");
  CHECK(call.signals[2].at_us == 1759715100000000);
}

TEST_CASE("an empty array is accepted and stores nothing", "[http][events]") {
  test_server s;
  auto r = s.post(events_target, "[]");
  CHECK(r.status == 202);
  CHECK(r.json()
        == nlohmann::json{{"lines", 0},
                          {"kept", 0},
                          {"dropped", 0},
                          {"dead_lettered", 0},
                          {"call_ids", nlohmann::json::array()}});
  CHECK(s.ingest.signals_calls.empty());
}

TEST_CASE("a body that is not a JSON array is 400 invalid_json",
          "[http][events]") {
  test_server s;
  for (std::string body : {"not json", "{\"call_id\":\"c\"}", "[1,", "42",
                           "[{\"call_id\":\"\xff\xfe\"}]", "\x01\x02\x03"}) {
    CAPTURE(body);
    auto error = check_error(s.post(events_target, body), 400,
                             "invalid_json");
    CHECK_FALSE(error.contains("index"));
  }
  CHECK(s.ingest.signals_calls.empty());
}

TEST_CASE("one bad item rejects the whole request with its index",
          "[http][events]") {
  test_server s;
  auto good = R"({"call_id":"c","type":"ringing","at":1759715049485})";
  struct bad_case {
    const char* item;
    const char* words; ///< expected in the message
  };
  for (auto b : {bad_case{R"({"type":"ringing","at":1})", "call_id"},
                 bad_case{R"({"call_id":"c","at":1})", "type"},
                 bad_case{R"({"call_id":"c","type":"ringing"})", "at"},
                 bad_case{R"({"call_id":"c","type":"exploded","at":1})",
                          "exploded"},
                 bad_case{R"({"call_id":"c","type":"ringing",
                              "at":"yesterday"})",
                          "at"},
                 bad_case{R"({"call_id":"c","type":"ringing",
                              "at":"2025-10-06T01:44:09"})",
                          "at"},
                 bad_case{R"("just a string")", "object"}}) {
    CAPTURE(b.item);
    auto body = std::string{"["} + good + "," + good + "," + b.item + ","
                + good + "]";
    auto error = check_error(s.post(events_target, body), 400,
                             "invalid_event");
    CHECK(error["index"] == 2);
    CHECK(error["message"].get<std::string>().find(b.words)
          != std::string::npos);
  }
  CHECK(s.ingest.signals_calls.empty());
}

TEST_CASE("events take agent_id and nothing else", "[http][events]") {
  test_server s;
  auto body = R"([{"call_id":"c","type":"ringing","at":1}])";
  check_error(s.post("/v1/ingest/events", body), 400, "missing_agent_id");
  auto error = check_error(s.post(events_target + "&call_id=c", body), 400,
                           "unknown_parameter");
  CHECK(error["parameter"] == "call_id");
  check_error(s.post(events_target, body, "viewer-key-1"), 403, "forbidden");
  check_error(s.post(events_target, body, ""), 401, "unauthorized");
  CHECK(s.ingest.signals_calls.empty());
}
