// Issue 7: analysis is derived from the events plus versioned rules, so a
// changed rules file and a replay re-analyze history: a corrected price
// re-prices every call it applies to, a new price version only the calls
// that start after it, an edited tag rule re-tags every call.

#include "replay_support.hpp"

#include "switchboard/analysis/rules.hpp"
#include "support/log_files.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <cstdlib>
#include <fstream>
#include <iterator>

using namespace sb::test;
using nlohmann::json;

namespace {

struct call_cost {
  std::int64_t started_us = 0;
  std::int64_t prompt_tokens = 0; ///< less the cached ones
  std::int64_t llm_prompt = 0;    ///< micro-USD
  std::int64_t total = 0;
};

std::map<std::string, call_cost> costs(spine_env& env) {
  pqxx::connection c{env.pg_url()};
  pqxx::nontransaction tx{c};
  std::map<std::string, call_cost> out;
  for (const auto& row :
       tx.exec("select id, sb_ts_to_us(started_at), llm_prompt_tokens - "
               "llm_cached_tokens, cost_llm_prompt, cost_total from sessions"))
    out[row[0].as<std::string>()]
      = {row[1].as<std::int64_t>(), row[2].as<std::int64_t>(),
         row[3].as<std::int64_t>(), row[4].as<std::int64_t>()};
  return out;
}

std::string write_rules(const std::string& dir, const std::string& name,
                        const json& rules) {
  auto path = dir + "/" + name + ".json";
  std::ofstream{path} << rules.dump(2);
  return path;
}

/// Multiplies every LLM prompt price of `rules` by `factor`.
void scale_prompt_prices(json& rules, double factor) {
  for (auto& p : rules["prices"])
    if (p.contains("llm_prompt_per_1m_tokens"))
      p["llm_prompt_per_1m_tokens"]
        = p["llm_prompt_per_1m_tokens"].get<double>() * factor;
}

/// An ISO 8601 text of µs since the epoch (UTC).
std::string iso(std::int64_t us) {
  auto secs = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

} // namespace

TEST_CASE("a corrected price, a new price version and an edited tag rule "
          "re-analyze history through replay") {
  char tmpl[] = "/tmp/sb-reanalysis-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  auto sim = switchboard_binary() + " simulate --calls 80 --agents 2"
             + " --seed 424242 --concurrency 20 --rate 4 --out " + dir
             + "/sim.log --truth " + dir + "/truth.json > /dev/null 2> " + dir
             + "/simulate.err";
  REQUIRE(std::system(sim.c_str()) == 0);
  auto truth = json::parse(read_file(dir + "/truth.json"));

  spine_options options;
  options.inactivity_timeout_s = 3;
  spine_env env{options};
  env.start_node();
  for (const auto& agent : truth["agents"]) {
    auto id = agent["agent_id"].get<std::string>();
    auto r = env.ingest(read_file(dir + "/sim." + id + ".log"), "agent_id=" + id);
    REQUIRE(r.status == 202);
  }
  env.wait_until_settled(std::chrono::seconds{90});
  auto before = costs(env);
  REQUIRE(before.size() == 80);
  std::size_t priced = 0;
  for (const auto& [id, c] : before)
    priced += c.prompt_tokens > 0 && c.llm_prompt > 0;
  REQUIRE(priced > 40);

  auto rules = json::parse(sb::analysis::default_rules_json());
  std::string out;

  // 1. Correcting the price in force re-prices every call.
  {
    rules["version"] = 2;
    scale_prompt_prices(rules, 2);
    auto path = write_rules(dir, "doubled", rules);
    REQUIRE(
      run_switchboard(env, "replay --projection sessions --rules " + path, out)
      == 0);
    auto after = costs(env);
    int repriced = 0, wrong = 0;
    for (const auto& [id, was] : before) {
      const auto& now = after.at(id);
      // Each usage event is rounded to the µ$ once: a few µ$ of slack.
      auto expected = 2 * was.llm_prompt;
      if (std::llabs(now.llm_prompt - expected) > 20)
        ++wrong;
      if (was.llm_prompt > 0 && now.llm_prompt > was.llm_prompt)
        ++repriced;
      if (now.total - was.total != now.llm_prompt - was.llm_prompt)
        ++wrong;
    }
    CHECK(wrong == 0);
    CHECK(repriced == static_cast<int>(priced));
    CHECK(env.query_value("select min(rules_version) || '/' || "
                          "max(rules_version) from sessions")
          == "2/2");
  }

  // 2. A price version effective later changes only later calls.
  before = costs(env);
  {
    std::vector<std::int64_t> starts;
    for (const auto& [id, c] : before)
      starts.push_back(c.started_us);
    std::sort(starts.begin(), starts.end());
    // A whole second between two calls' starts, near the middle.
    std::int64_t cut = 0;
    for (auto i = starts.size() / 2; i + 1 < starts.size() && cut == 0; ++i)
      if (auto next_second = (starts[i] / 1'000'000 + 1) * 1'000'000;
          next_second <= starts[i + 1])
        cut = next_second;
    REQUIRE(cut != 0);
    auto later = rules["prices"];
    for (auto& p : later)
      if (p.contains("llm_prompt_per_1m_tokens")) {
        p["effective_from"] = iso(cut);
        p["llm_prompt_per_1m_tokens"]
          = p["llm_prompt_per_1m_tokens"].get<double>() * 3;
        rules["prices"].push_back(p);
      }
    auto path = write_rules(dir, "later", rules);
    REQUIRE(
      run_switchboard(env, "replay --projection sessions --rules " + path, out)
      == 0);
    auto after = costs(env);
    int early_changed = 0, late_unchanged = 0;
    for (const auto& [id, was] : before) {
      const auto& now = after.at(id);
      if (was.started_us < cut && now.llm_prompt != was.llm_prompt)
        ++early_changed;
      if (was.started_us >= cut && was.llm_prompt > 0
          && std::llabs(now.llm_prompt - 3 * was.llm_prompt) > 30)
        ++late_unchanged;
    }
    CHECK(early_changed == 0);
    CHECK(late_unchanged == 0);
  }

  // 3. An edited tag rule re-tags history.
  {
    // A word the simulated callers say often, made a tag of its own.
    auto word = env.query_value(
      "select w from (select regexp_split_to_table(lower(text), '[^a-z]+') "
      "as w from turns where speaker = 'user') x where length(w) >= 6 "
      "group by w order by count(*) desc, w limit 1");
    REQUIRE_FALSE(word.empty());
    auto expected = env.query_value(
      "select count(distinct session_id) from turns where speaker = 'user' "
      "and text ~* '\\m"
      + word + "\\M'");
    REQUIRE(expected != "0");
    CHECK(env.query_value("select count(*) from sessions where 'edited' = "
                          "any(tags)")
          == "0");
    rules["tags"].push_back({{"tag", "edited"}, {"keywords", {{"*", {word}}}}});
    auto path = write_rules(dir, "tagged", rules);
    INFO("keyword " << word);
    REQUIRE(
      run_switchboard(env, "replay --projection sessions --rules " + path, out)
      == 0);
    CHECK(env.query_value("select count(*) from sessions where 'edited' = "
                          "any(tags)")
          == expected);
  }
}
