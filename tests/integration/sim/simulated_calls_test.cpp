// Issue 3's acceptance test: 500 simulated calls of several agents, every
// dialect, go through a real node; every session and every agent's totals
// come out exactly as the simulator's ground truth says.

#include "spine_env.hpp"
#include "support/log_files.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <unistd.h>

using namespace sb::test;
using nlohmann::json;

namespace {

std::string text_or_empty(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>()
                                               : "";
}

} // namespace

TEST_CASE("500 simulated calls become exactly the sessions of the truth") {
  char tmpl[] = "/tmp/sb-sim-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  auto cmd = switchboard_binary() + " simulate --calls 500 --agents 3"
             + " --seed 20251103 --concurrency 40 --rate 5 --out " + dir
             + "/sim.log --truth " + dir + "/truth.json > " + dir
             + "/files.txt 2> " + dir + "/simulate.err";
  REQUIRE(std::system(cmd.c_str()) == 0);
  auto truth = json::parse(read_file(dir + "/truth.json"));
  REQUIRE(truth["calls"].size() == 500);

  spine_options options;
  options.inactivity_timeout_s = 3; // signal_lost calls end soon
  spine_env env{options};
  env.start_node();

  std::uint64_t lines = 0, kept = 0;
  for (const auto& agent : truth["agents"]) {
    auto id = agent["agent_id"].get<std::string>();
    auto log = read_file(dir + "/sim." + id + ".log");
    REQUIRE_FALSE(log.empty());
    for (const auto& body : log_bodies(log, 5000)) {
      auto r = env.ingest(body, "agent_id=" + id);
      REQUIRE(r.status == 202);
      auto report = r.json();
      CHECK(report["dead_lettered"] == 0);
      CHECK_FALSE(report.contains("call_id")); // every line named its call
      lines += report["lines"].get<std::uint64_t>();
      kept += report["kept"].get<std::uint64_t>();
    }
  }
  INFO("lines " << lines << ", kept " << kept);
  CHECK(static_cast<double>(kept) / static_cast<double>(lines) < 0.15);

  env.wait_until_settled(std::chrono::seconds{90});
  CHECK(env.query_value("select count(*) from sessions") == "500");

  int mismatched = 0;
  for (const auto& want : truth["calls"]) {
    auto id = want["call_id"].get<std::string>();
    INFO("call " << id << " (" << want["dialect"] << ", "
                 << want["end_reason"] << ")");
    auto got = env.get("/v1/conversations/" + id);
    REQUIRE(got.status == 200);
    auto s = got.json();
    std::string differs;
    for (const char* key :
         {"agent_id", "status", "end_reason", "turn_count", "started_at",
          "ended_at", "duration_ms", "interruptions"})
      if (s[key] != want[key])
        differs += std::string(" ") + key;
    for (const char* key : {"first_user_text", "first_agent_text"})
      if (text_or_empty(s, key) != want[key].get<std::string>())
        differs += std::string(" ") + key;
    if (!differs.empty() && ++mismatched <= 20) {
      INFO("differs:" << differs);
      INFO("want " << want.dump());
      INFO("got  " << s.dump());
      CHECK(differs.empty());
    }
  }
  CHECK(mismatched == 0);

  for (const auto& agent : truth["agents"]) {
    auto id = agent["agent_id"].get<std::string>();
    INFO("agent " << id);
    CHECK(env.query_value("select count(*) from sessions where agent_id = '"
                          + id + "'")
          == std::to_string(agent["calls"].get<std::int64_t>()));
    CHECK(env.query_value("select coalesce(sum(duration_ms), 0) from "
                          "sessions where agent_id = '"
                          + id + "'")
          == std::to_string(agent["duration_ms_sum"].get<std::int64_t>()));
    for (const auto& [status, n] : agent["by_status"].items())
      CHECK(env.query_value("select count(*) from sessions where agent_id = '"
                            + id + "' and status = '" + status + "'")
            == std::to_string(n.get<std::int64_t>()));
  }
}
