// Providers that know about queueing and ringing send lifecycle signals as
// JSON; the calls' statuses and end reasons follow the state machine.

#include "spine_env.hpp"

#include <catch2/catch.hpp>

using namespace sb::test;
using nlohmann::json;

TEST_CASE("lifecycle signals drive queued and ringing calls to their end") {
  spine_env env;
  env.start_node();
  auto body = json::array({
    {{"call_id", "q-missed"}, {"type", "queued"},
     {"at", "2025-11-06T09:00:00.000Z"}},
    {{"call_id", "q-missed"}, {"type", "ringing"},
     {"at", "2025-11-06T09:00:02.000Z"}},
    {{"call_id", "q-missed"}, {"type", "missed"},
     {"at", "2025-11-06T09:00:32.000Z"}},
    {{"call_id", "q-declined"}, {"type", "ringing"},
     {"at", "2025-11-06T09:01:00.000Z"}},
    {{"call_id", "q-declined"}, {"type", "declined"}, {"reason", "busy"},
     {"at", "2025-11-06T09:01:05.000Z"}},
    {{"call_id", "q-talked"}, {"type", "ringing"},
     {"at", "2025-11-06T09:02:00.000Z"}},
    {{"call_id", "q-talked"}, {"type", "answered"}, {"direction", "outbound"},
     {"at", "2025-11-06T09:02:04.000Z"}},
    {{"call_id", "q-talked"}, {"type", "user_text"}, {"text", "Hello?"},
     {"at", "2025-11-06T09:02:05.000Z"}},
    {{"call_id", "q-talked"}, {"type", "hungup"}, {"reason", "user_hangup"},
     {"at", "2025-11-06T09:02:30.000Z"}},
  });
  auto r = sb::test::http_request(env.node_port(), "POST",
                                  "/v1/ingest/events?agent_id=dialer",
                                  body.dump(), bearer(env.key()));
  REQUIRE(r.status == 202);
  CHECK(r.json()["kept"] == 9);
  env.wait_until_settled(std::chrono::seconds{60});

  auto missed = env.get("/v1/conversations/q-missed").json();
  CHECK(missed["status"] == "missed");
  CHECK(missed["end_reason"] == "no_answer");
  CHECK(missed["started_at"] == "2025-11-06T09:00:00.000Z");
  CHECK(missed["duration_ms"] == 32000);

  auto declined = env.get("/v1/conversations/q-declined").json();
  CHECK(declined["status"] == "declined");
  CHECK(declined["end_reason"] == "busy");

  auto talked = env.get("/v1/conversations/q-talked").json();
  CHECK(talked["status"] == "completed");
  CHECK(talked["end_reason"] == "user_hangup");
  CHECK(talked["direction"] == "outbound");
  CHECK(talked["agent_id"] == "dialer");
  CHECK(talked["turn_count"] == 1);
  CHECK(talked["first_user_text"] == "Hello?");
  CHECK(talked["ended_at"] == "2025-11-06T09:02:30.000Z");
}

TEST_CASE("an invalid lifecycle signal rejects the whole request") {
  spine_env env;
  env.start_node();
  auto head = env.events_head();
  auto body = json::array({
    {{"call_id", "ok"}, {"type", "ringing"}, {"at", "2025-11-06T09:00:00Z"}},
    {{"call_id", "bad"}, {"type", "teleported"},
     {"at", "2025-11-06T09:00:00Z"}},
  });
  auto r = sb::test::http_request(env.node_port(), "POST",
                                  "/v1/ingest/events?agent_id=dialer",
                                  body.dump(), bearer(env.key()));
  CHECK(r.status == 400);
  CHECK(r.json()["error"]["code"] == "invalid_event");
  CHECK(r.json()["error"]["index"] == 1);
  CHECK(env.events_head() == head);
  CHECK(env.get("/v1/conversations/ok").status == 404);
}
