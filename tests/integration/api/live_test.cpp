// GET /v1/live against a real node while simulated calls are ingested: a
// follower sees each call start, speak and end; one that drops and comes
// back with Last-Event-ID ends up with exactly what a follower that never
// left saw; another tenant's follower sees none of it; a quiet stream
// gets heartbeats.

#include "spine_env.hpp"
#include "support/log_files.hpp"
#include "support/sse_client.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <set>
#include <thread>
#include <unistd.h>

using namespace sb::test;
using nlohmann::json;

namespace {

/// Simulated logs of `calls` calls (per agent) and their truth.
struct simulated_logs {
  json truth;
  std::map<std::string, std::vector<std::string>> bodies; ///< per agent

  simulated_logs(int calls, std::uint64_t seed) {
    char tmpl[] = "/tmp/sb-live-XXXXXX";
    std::string dir = mkdtemp(tmpl);
    auto cmd = switchboard_binary() + " simulate --calls "
               + std::to_string(calls) + " --agents 2 --seed "
               + std::to_string(seed) + " --rate 5 --out " + dir
               + "/sim.log --truth " + dir + "/truth.json > " + dir
               + "/files.txt 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    truth = json::parse(read_file(dir + "/truth.json"));
    for (const auto& agent : truth["agents"]) {
      auto id = agent["agent_id"].get<std::string>();
      bodies[id] = log_bodies(read_file(dir + "/sim." + id + ".log"), 2000);
    }
  }

  /// Ingests part [from, to) of every agent's bodies.
  void ingest(spine_env& env, double from, double to) const {
    for (const auto& [agent, list] : bodies) {
      auto n = list.size();
      for (auto i = static_cast<std::size_t>(from * n);
           i < static_cast<std::size_t>(to * n); ++i)
        REQUIRE(env.ingest(list[i], "agent_id=" + agent).status == 202);
    }
  }
};

/// The call ids of the events of `type`.
std::set<std::string> calls_with(const std::vector<sse_event>& events,
                                 const std::string& type) {
  std::set<std::string> out;
  for (const auto& e : events)
    if (e.type == type)
      out.insert(json::parse(e.data)["call_id"].get<std::string>());
  return out;
}

/// The ids of the change events (not the snapshot).
std::vector<std::string> change_ids(const std::vector<sse_event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events)
    if (e.type != "snapshot" && e.type != "reset")
      out.push_back(e.id);
  return out;
}

} // namespace

TEST_CASE("a /v1/live follower sees every call start, speak and end, and "
          "a reconnect misses nothing") {
  spine_options o;
  o.inactivity_timeout_s = 3;
  spine_env env{o};
  env.start_node();
  simulated_logs logs{12, 20261207}; // over 2 agents
  auto port = static_cast<std::uint16_t>(env.node_port());
  auto auth = bearer(env.key());
  std::set<std::string> all_calls;
  for (const auto& c : logs.truth["calls"])
    all_calls.insert(c["call_id"].get<std::string>());
  REQUIRE(all_calls.size() == 12);

  sse_client steady{port, "/v1/live", auth};
  sse_client dropping{port, "/v1/live", auth};
  auto other = env.create_key("other-tenant", "viewer");
  sse_client stranger{port, "/v1/live?heartbeat=1", bearer(other)};
  auto snapshot_first = [](const std::vector<sse_event>& ev) {
    return !ev.empty() && ev[0].type == "snapshot";
  };
  REQUIRE(steady.wait_for(snapshot_first, std::chrono::seconds{10}));
  REQUIRE(dropping.wait_for(snapshot_first, std::chrono::seconds{10}));
  CHECK(steady.status() == 200);
  CHECK(json::parse(steady.events()[0].data)["count"] == 0);

  logs.ingest(env, 0, 0.5);
  REQUIRE(dropping.wait_for(
    [](const std::vector<sse_event>& ev) { return change_ids(ev).size() > 20; },
    std::chrono::seconds{30}));
  dropping.stop(); // the client goes away mid-way
  auto resume_at = dropping.last_id();
  REQUIRE_FALSE(resume_at.empty());
  logs.ingest(env, 0.5, 1.0);
  env.wait_until_settled(std::chrono::seconds{120});

  INFO("the steady follower saw every call start, speak and end");
  auto saw_all_end = [&](const std::vector<sse_event>& ev) {
    return calls_with(ev, "call_ended") == all_calls;
  };
  REQUIRE(steady.wait_for(saw_all_end, std::chrono::seconds{30}));
  auto seen = steady.events();
  CHECK(calls_with(seen, "call_started") == all_calls);
  CHECK(calls_with(seen, "utterance") == all_calls);
  for (const auto& e : seen) {
    if (e.type == "utterance") {
      auto d = json::parse(e.data);
      CHECK((d["speaker"] == "user" || d["speaker"] == "agent"));
      CHECK_FALSE(d["text"].get<std::string>().empty());
    }
  }

  INFO("a reconnect with Last-Event-ID gets exactly what it missed");
  sse_client back{port, "/v1/live", {auth[0], {"Last-Event-ID", resume_at}}};
  auto steady_ids = change_ids(seen);
  std::vector<std::string> before_drop;
  for (const auto& id : change_ids(dropping.events()))
    if (std::stoull(id) <= std::stoull(resume_at))
      before_drop.push_back(id);
  REQUIRE(back.wait_for(
    [&](const std::vector<sse_event>& ev) {
      return before_drop.size() + change_ids(ev).size() >= steady_ids.size();
    },
    std::chrono::seconds{20}));
  auto rejoined = before_drop;
  for (const auto& id : change_ids(back.events()))
    rejoined.push_back(id);
  CHECK(rejoined == steady_ids);
  CHECK(back.events()[0].type != "snapshot"); // resumed, not reseeded

  INFO("another tenant's follower sees none of it, and heartbeats");
  CHECK(stranger.wait_for([&](const std::vector<sse_event>&) {
    return stranger.comments() >= 2;
  }, std::chrono::seconds{10}));
  CHECK(change_ids(stranger.events()).empty());

  INFO("a stream needs a key");
  auto refused = http_request(port, "GET", "/v1/live");
  CHECK(refused.status == 401);
}
