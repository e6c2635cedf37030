#include "http/live_changes.hpp"
#include "http/live_hub.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <thread>

using namespace sb::app::http;
using namespace std::chrono_literals;

namespace {

live_change change(std::uint64_t id, const char* tenant) {
  return {id, tenant, "utterance", "{}"};
}

} // namespace

TEST_CASE("the live hub gives each tenant its changes after an id") {
  live_hub hub{10};
  hub.publish(change(5, "a"));
  hub.publish(change(6, "b"));
  hub.advance(8); // events that change nothing live
  hub.publish(change(9, "a"));
  // The feed began after 4: what came before is not known here.
  CHECK(hub.oldest_resumable() == 4);
  CHECK(hub.wait_after("a", 0, 0ms).gap);
  auto b = hub.wait_after("a", 4, 0ms);
  CHECK_FALSE(b.gap);
  REQUIRE(b.changes.size() == 2);
  CHECK(b.changes[0].id == 5);
  CHECK(b.changes[1].id == 9);
  CHECK(b.through == 9);
  auto after5 = hub.wait_after("a", 5, 0ms);
  REQUIRE(after5.changes.size() == 1);
  CHECK(after5.changes[0].id == 9);
  CHECK(hub.wait_after("b", 6, 0ms).changes.empty());
  CHECK(hub.wait_after("c", 4, 0ms).changes.empty());
}

TEST_CASE("a client away longer than the hub remembers is told of the gap") {
  live_hub hub{3};
  for (std::uint64_t id = 1; id <= 6; ++id)
    hub.publish(change(id, "a"));
  CHECK(hub.oldest_resumable() == 3);
  CHECK(hub.wait_after("a", 2, 0ms).gap);
  auto b = hub.wait_after("a", 3, 0ms);
  CHECK_FALSE(b.gap);
  CHECK(b.changes.size() == 3);
}

TEST_CASE("a waiting stream wakes on a change") {
  live_hub hub;
  hub.advance(1);
  std::thread feed([&] {
    std::this_thread::sleep_for(50ms);
    hub.publish(change(2, "a"));
  });
  auto b = hub.wait_after("a", 1, 5s);
  feed.join();
  REQUIRE(b.changes.size() == 1);
  CHECK(b.changes[0].id == 2);
}

TEST_CASE("events become live changes: start, state, speech, end") {
  sb::event e;
  e.env.tenant_id = "t";
  e.env.call_id = "c1";
  e.env.occurred_at = 1'000'000;
  e.payload = sb::call_started{"agent-1", "inbound", "pipecat", "", "", "",
                               "en"};
  auto started = live_change_of(e, 7);
  REQUIRE(started);
  CHECK(started->id == 7);
  CHECK(started->tenant_id == "t");
  CHECK(started->type == "call_started");
  auto data = nlohmann::json::parse(started->data);
  CHECK(data["call_id"] == "c1");
  CHECK(data["agent_id"] == "agent-1");
  CHECK(data["at"] == "1970-01-01T00:00:01.000Z");

  e.payload = sb::agent_spoke{2, 0, "Hello there", 0};
  auto spoke = live_change_of(e, 8);
  REQUIRE(spoke);
  CHECK(spoke->type == "utterance");
  CHECK(nlohmann::json::parse(spoke->data)["speaker"] == "agent");

  e.payload = sb::call_ended{sb::call_status::failed, "error", 0, 1234};
  auto ended = live_change_of(e, 9);
  REQUIRE(ended);
  CHECK(ended->type == "call_ended");
  CHECK(nlohmann::json::parse(ended->data)["status"] == "failed");

  e.payload = sb::metric_measured{};
  CHECK_FALSE(live_change_of(e, 10));
  e.env.call_id.clear(); // a partition marker
  e.payload = sb::call_ringing{};
  CHECK_FALSE(live_change_of(e, 11));
}
