// Issue 7: a projection killed between a batch's PostgreSQL commit and its
// next fetch loses nothing and counts nothing twice: after a restart every
// counter equals the simulator's ground truth, in `sessions` and in the
// pre-aggregated agent_stats tables alike.

#include "replay_support.hpp"

#include "switchboard/analysis/latency_histogram.hpp"
#include "support/log_files.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>

using namespace sb::test;
using nlohmann::json;

namespace {

/// "{n0,n1,...}": the bucket counts of `samples`, as PostgreSQL prints a
/// bigint[].
std::string bucket_counts(const std::vector<double>& samples) {
  sb::analysis::histogram h;
  for (auto ms : samples)
    h.add(ms);
  std::string out = "{";
  for (std::size_t i = 0; i < h.counts.size(); ++i)
    out += (i > 0 ? "," : "") + std::to_string(h.counts[i]);
  return out + "}";
}

/// The element-wise sum of `column` (a histogram) over `from`.
std::string summed_histogram(const std::string& column,
                             const std::string& from) {
  return "select '{' || string_agg(n::text, ',' order by i) || '}' from ("
         "select i, sum(v) as n from (select "
         + column + " as h " + from
         + ") r, unnest(r.h) with ordinality as u(v, i) group by i) x";
}

} // namespace

TEST_CASE("a projection killed right after a commit resumes to the exact "
          "ground truth") {
  char tmpl[] = "/tmp/sb-proj-crash-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  auto sim = switchboard_binary() + " simulate --calls 200 --agents 3"
             + " --seed 515151 --concurrency 40 --rate 8 --out " + dir
             + "/sim.log --truth " + dir + "/truth.json > /dev/null 2> " + dir
             + "/simulate.err";
  REQUIRE(std::system(sim.c_str()) == 0);
  auto truth = json::parse(read_file(dir + "/truth.json"));

  spine_options options;
  // The calls whose log just stops end as signal_lost after this long
  // without a signal. Long enough that a call waiting through the node's
  // kill and restart is not taken for lost (3 s was not, under load);
  // wait_until_settled waits for those calls to end.
  options.inactivity_timeout_s = 15;
  spine_env env{options};
  // The first projection to commit its 3rd batch kills the node right
  // after that commit, before it fetches again.
  env.start_node({"--failpoint-kill-after-batches", "3"});
  bool killed = false;
  for (const auto& agent : truth["agents"]) {
    auto id = agent["agent_id"].get<std::string>();
    for (const auto& body : log_bodies(read_file(dir + "/sim." + id + ".log"), 2000)) {
      // Until the node took it: a body sent while the node died is sent
      // again to the restarted one (ingest is idempotent).
      bool taken = false;
      for (int attempt = 0; attempt < 100 && !taken; ++attempt) {
        try {
          taken = env.ingest(body, "agent_id=" + id).status == 202;
        } catch (const std::exception&) {
          // the node is going: below
        }
        if (taken)
          break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (!env.node_running()) {
          auto how = env.node_status();
          INFO("node ended: " << how.describe());
          CHECK(how.signal == SIGKILL);
          CHECK_FALSE(killed);
          killed = true;
          env.start_node(); // no failpoint
        }
      }
      REQUIRE(taken);
    }
  }
  if (!killed) {
    // The last batches may come after the last body.
    for (int i = 0; i < 100 && env.node_running(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    REQUIRE_FALSE(env.node_running());
    CHECK(env.node_status().signal == SIGKILL);
    env.start_node();
  }
  env.wait_until_settled(std::chrono::seconds{120});
  CHECK(env.node_log().find("failpoint") == std::string::npos);

  CHECK(env.query_value("select count(*) from sessions")
        == std::to_string(truth["calls"].size()));
  // Each call's sentiment where the script fixed it (English calls whose
  // lines name their language; "unknown" where the system cannot know).
  std::map<std::string, int> moods;
  for (const auto& call : truth["calls"]) {
    if (!call.contains("sentiment"))
      continue; // left to chance
    auto id = call["call_id"].get<std::string>();
    auto expected = call["sentiment"].get<std::string>();
    INFO("call " << id << " (" << call["language"] << ")");
    CHECK(env.query_value("select sentiment from sessions where id = '" + id
                          + "'")
          == expected);
    ++moods[expected];
  }
  INFO("positive " << moods["positive"] << ", negative " << moods["negative"]);
  CHECK(moods["positive"] + moods["negative"] + moods["neutral"] > 3);
  for (const auto& agent : truth["agents"]) {
    auto id = agent["agent_id"].get<std::string>();
    INFO("agent " << id);
    auto where = " where agent_id = '" + id + "'";
    auto calls = std::to_string(agent["calls"].get<std::int64_t>());
    auto duration
      = std::to_string(agent["duration_ms_sum"].get<std::int64_t>());
    CHECK(env.query_value("select count(*) from sessions" + where) == calls);
    CHECK(env.query_value("select coalesce(sum(duration_ms), 0) from sessions"
                          + where)
          == duration);
    for (const char* table : {"agent_stats_hourly", "agent_stats_daily"}) {
      INFO(table);
      auto from = std::string{" from "} + table + where;
      CHECK(env.query_value("select coalesce(sum(sessions), 0)" + from)
            == calls);
      CHECK(env.query_value("select coalesce(sum(duration_ms_sum), 0)" + from)
            == duration);
      for (const auto& [status, n] : agent["by_status"].items())
        CHECK(env.query_value("select coalesce(sum((by_status->>'" + status
                              + "')::bigint), 0)" + from)
              == std::to_string(n.get<std::int64_t>()));
      // The rest of the counters equal the sum of the sessions rows.
      for (const auto& [stats, sessions] :
           std::vector<std::pair<std::string, std::string>>{
             {"turns", "turn_count"},
             {"interruptions", "interruptions"},
             {"tool_calls", "tool_calls"},
             {"tool_errors", "tool_errors"},
             {"cost_total", "cost_total"},
             {"cost_llm_prompt", "cost_llm_prompt"},
             {"cost_telephony", "cost_telephony"}}) {
        INFO(stats);
        CHECK(env.query_value("select coalesce(sum(" + stats + "), 0)" + from)
              == env.query_value("select coalesce(sum(" + sessions
                                 + "), 0) from sessions" + where));
      }
      for (const char* label : {"positive", "neutral", "negative", "unknown"})
        CHECK(env.query_value(std::string{"select coalesce(sum(sentiment_"}
                              + label + "), 0)" + from)
              == env.query_value("select count(*) from sessions" + where
                                 + " and sentiment = '" + label + "'"));

      // And to the simulator's truth: cost by the same price table, tool
      // calls, latency samples per histogram and their buckets.
      for (const auto& [component, n] : agent["cost"].items()) {
        INFO("cost " << component);
        CHECK(env.query_value("select coalesce(sum(cost_" + component + "), 0)"
                              + from)
              == std::to_string(n.get<std::int64_t>()));
      }
      CHECK(env.query_value("select coalesce(sum(tool_calls), 0)" + from)
            == std::to_string(agent["tool_calls"].get<std::int64_t>()));
      CHECK(env.query_value("select coalesce(sum(tool_errors), 0)" + from)
            == std::to_string(agent["tool_errors"].get<std::int64_t>()));
      const auto& samples = agent["latency_samples"];
      CHECK(env.query_value("select coalesce(sum(user_to_bot_count), 0)" + from)
            == std::to_string(samples["user_to_bot"].get<std::int64_t>()));
      std::int64_t interrupted = 0;
      for (const auto& [kind, n] : samples["ttfb"].items()) {
        INFO("ttfb " << kind);
        auto column = kind == "stt" ? std::string{"stt"} : kind + "_ttfb";
        CHECK(env.query_value("select coalesce(sum(" + column + "_count), 0)"
                              + from)
              == std::to_string(n.get<std::int64_t>()));
        interrupted += samples["ttfb_interrupted"][kind].get<std::int64_t>();
      }
      CHECK(env.query_value("select coalesce(sum(ttfb_interrupted), 0)" + from)
            == std::to_string(interrupted));
      std::vector<double> user_to_bot, llm;
      for (const auto& call : truth["calls"]) {
        if (call["agent_id"] != id)
          continue;
        for (const auto& ms : call["latency"]["user_to_bot_ms"])
          user_to_bot.push_back(ms.get<double>());
        for (const auto& ms : call["latency"]["ttfb_ms"]["llm"])
          llm.push_back(ms.get<double>());
      }
      CHECK(env.query_value(summed_histogram("user_to_bot_hist", from))
            == bucket_counts(user_to_bot));
      CHECK(env.query_value(summed_histogram("llm_ttfb_hist", from))
            == bucket_counts(llm));
    }
  }
}
