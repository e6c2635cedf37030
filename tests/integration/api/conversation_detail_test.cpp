// GET /v1/conversations/{id}/events and /audio against a real node: the
// debug trace holds what the simulated call did (its measured turns, its
// tool calls, its errors) in event order; a reported recording is linked,
// a call without one is a 404 that says so.

#include "simulated_tenant.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace sb::test;
using nlohmann::json;

namespace {

/// How many items of `trace` are of `type`.
std::size_t count_type(const json& trace, const std::string& type) {
  std::size_t n = 0;
  for (const auto& item : trace["items"])
    if (item["type"] == type)
      ++n;
  return n;
}

} // namespace

TEST_CASE("a conversation's debug trace and recording") {
  simulated_tenant t{40, 20261205, 2};
  int with_tools = 0;
  for (const auto& c : t.truth["calls"]) {
    auto id = c["call_id"].get<std::string>();
    INFO("call " << id);
    auto r = t.env.get("/v1/conversations/" + id + "/events");
    INFO(r.body);
    REQUIRE(r.status == 200);
    auto trace = r.json();
    // In event order, each item typed and timed.
    std::uint64_t previous = 0;
    for (const auto& item : trace["items"]) {
      CHECK(item["seq"].get<std::uint64_t>() > previous);
      previous = item["seq"].get<std::uint64_t>();
      CHECK(item["data"].is_object());
    }
    CHECK(count_type(trace, "call_started") == 1);
    CHECK(count_type(trace, "call_ended") == 1);
    CHECK(count_type(trace, "turn_latency")
          == c["latency"]["turns"].size());
    CHECK(count_type(trace, "tool_call")
          == c["tool_calls"].get<std::size_t>());
    CHECK(count_type(trace, "interruption")
          == c["interruptions"].get<std::size_t>());
    CHECK(count_type(trace, "error") == c["error_count"].get<std::size_t>());
    for (const auto& item : trace["items"]) {
      if (item["type"] == "tool_call") {
        ++with_tools;
        CHECK_FALSE(item["data"]["name"].get<std::string>().empty());
        CHECK(item["data"].contains("arguments"));
        CHECK(item["data"].contains("latency_ms"));
      }
      if (item["type"] == "turn_latency") {
        CHECK(item["turn"].is_number_integer());
        CHECK(item["data"].contains("user_to_bot_ms"));
        CHECK(item["data"].contains("during_interruption"));
      }
    }
    auto audio = t.env.get("/v1/conversations/" + id + "/audio");
    CHECK(audio.status == 404);
    CHECK(audio.json()["error"]["code"] == "no_recording");
  }
  CHECK(with_tools > 0);

  // A provider reports a recording: its link is the audio.
  json events = json::array();
  events.push_back({{"call_id", "recorded-call"},
                    {"type", "answered"},
                    {"at", "2026-12-03T10:00:00Z"}});
  events.push_back({{"call_id", "recorded-call"},
                    {"type", "recording_ready"},
                    {"at", "2026-12-03T10:05:00Z"},
                    {"url", "https://recordings.example/recorded-call.wav"}});
  REQUIRE(sb::test::http_request(
            static_cast<std::uint16_t>(t.env.node_port()), "POST",
            "/v1/ingest/events?agent_id=agent-9", events.dump(),
            bearer(t.env.key()))
            .status
          == 202);
  sb::test::http_response audio;
  for (int tries = 0; tries < 200; ++tries) {
    audio = t.env.get("/v1/conversations/recorded-call/audio");
    if (audio.status == 200)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(audio.status == 200);
  CHECK(audio.json()["url"] == "https://recordings.example/recorded-call.wav");
  CHECK(audio.json()["reported_at"] == "2026-12-03T10:05:00.000Z");

  // Another tenant's view: nothing, as for a missing call.
  auto other = t.env.create_key("other-tenant", "viewer");
  CHECK(t.env.get_as(other, "/v1/conversations/recorded-call/events").status
        == 404);
  CHECK(t.env.get_as(other, "/v1/conversations/recorded-call/audio").status
        == 404);
  CHECK(t.env.get("/v1/conversations/no-such-call/events").status == 404);
}
