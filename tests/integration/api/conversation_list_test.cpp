// GET /v1/conversations against a real node, NATS and PostgreSQL, with
// simulated calls of three agents and four languages: every filter's
// answer is the simulator's ground truth, a cursor walk sees every call
// exactly once while new calls arrive, and every bad input is a 400 that
// names its parameter.

#include "simulated_tenant.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <thread>
#include <unistd.h>

using namespace sb::test;
using nlohmann::json;

namespace {

/// `word` in capitals without its accents (Latin-1 letters, as UTF-8).
std::string plain_capitals(const std::string& word) {
  std::string out;
  for (std::size_t i = 0; i < word.size(); ++i) {
    auto c = static_cast<unsigned char>(word[i]);
    if (c != 0xC3 || i + 1 == word.size()) {
      out += static_cast<char>(std::toupper(c));
      continue;
    }
    auto second = static_cast<unsigned char>(word[++i]);
    if (second == 0x9F) { // ß
      out += "SS";
      continue;
    }
    auto low = second & 0xDF; // the small letters as the capitals
    char base = low <= 0x85   ? 'A'
                : low == 0x87 ? 'C'
                : low <= 0x8B ? 'E'
                : low <= 0x8F ? 'I'
                : low == 0x91 ? 'N'
                : low <= 0x96 ? 'O'
                : low <= 0x9C ? 'U'
                              : 'Y';
    out += base;
  }
  return out;
}

std::set<std::string> as_set(const std::vector<std::string>& ids) {
  return {ids.begin(), ids.end()};
}

} // namespace

TEST_CASE("the conversations list answers every filter as the truth does") {
  simulated_tenant t{240, 20261203, 5};
  auto all = t.calls([](const json&) { return true; });
  REQUIRE(all.size() == 240);

  {
    INFO("a walk newest first, pages of 23, while new calls arrive");
    int arrived = 0;
    auto ids = t.walk("", 23, [&](int page) {
      if (page != 2)
        return;
      // Calls that start now: newer than every simulated one.
      json events = json::array();
      for (int i = 0; i < 3; ++i)
        events.push_back({{"call_id", "arrived-" + std::to_string(i)},
                          {"type", "answered"},
                          {"at", "2026-12-03T10:00:00Z"}});
      auto r = sb::test::http_request(
        static_cast<std::uint16_t>(t.env.node_port()), "POST",
        "/v1/ingest/events?agent_id=late-bot", events.dump(),
        bearer(t.env.key()));
      REQUIRE(r.status == 202);
      // The rest of the walk runs with them in the table.
      for (int tries = 0; tries < 400; ++tries) {
        if (t.env.query_value("select count(*) from sessions where agent_id "
                              "= 'late-bot'")
            == "3")
          break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      REQUIRE(t.env.query_value(
                "select count(*) from sessions where agent_id = 'late-bot'")
              == "3");
      arrived = 3;
    });
    CHECK(arrived == 3);
    CHECK(ids.size() == all.size()); // nothing repeated
    CHECK(as_set(ids) == all);       // nothing missed
  }
  // From here on the list holds the arrived calls too: newest, so first.
  auto everyone = all;
  {
    INFO("the calls that arrived during the walk head the next one");
    auto first = t.page("limit=3");
    for (const auto& item : first["items"]) {
      CHECK(item["id"].get<std::string>().rfind("arrived-", 0) == 0);
      everyone.insert(item["id"].get<std::string>());
    }
    CHECK(everyone.size() == all.size() + 3);
  }
  {
    INFO("newest first means started_at never grows along the walk");
    auto p = t.page("limit=200");
    for (std::size_t i = 1; i < p["items"].size(); ++i)
      CHECK(p["items"][i - 1]["started_at"].get<std::string>()
            >= p["items"][i]["started_at"].get<std::string>());
  }
  {
    INFO("sorted by duration, shortest first, completed calls only");
    auto ids = t.walk("status=completed&sort=duration_ms&order=asc", 40);
    CHECK(as_set(ids) == t.calls([](const json& c) {
      return c["status"] == "completed";
    }));
    std::map<std::string, std::int64_t> duration;
    for (const auto& c : t.truth["calls"])
      duration[c["call_id"].get<std::string>()]
        = c["duration_ms"].get<std::int64_t>();
    for (std::size_t i = 1; i < ids.size(); ++i)
      CHECK(duration[ids[i - 1]] <= duration[ids[i]]);
  }
  {
    INFO("sorted by cost and by latency, every call once");
    CHECK(as_set(t.walk("sort=cost", 50)) == everyone);
    auto by_latency = t.walk("sort=latency_p95_ms&order=asc", 50);
    CHECK(by_latency.size() == everyone.size());
    CHECK(as_set(by_latency) == everyone);
  }
  for (const auto& agent : t.truth["agents"]) {
    auto id = agent["agent_id"].get<std::string>();
    INFO("agent " << id);
    CHECK(as_set(t.walk("agent_id=" + id, 100))
          == t.calls([&](const json& c) { return c["agent_id"] == id; }));
    for (const auto& [status, n] : agent["by_status"].items())
      CHECK(t.total("agent_id=" + id + "&status=" + status)
            == n.get<std::uint64_t>());
  }
  {
    INFO("repeated and comma-separated values mean any of them");
    auto want = t.calls([](const json& c) {
      return c["agent_id"] == "agent-1" || c["agent_id"] == "agent-3";
    });
    CHECK(as_set(t.walk("agent_id=agent-1&agent_id=agent-3", 200)) == want);
    CHECK(as_set(t.walk("agent_id=agent-3,agent-1", 200)) == want);
    CHECK(t.total("status=failed&status=missed")
          == t.calls([](const json& c) {
                return c["status"] == "failed" || c["status"] == "missed";
              }).size());
  }
  {
    INFO("end reason, time range, duration bounds");
    CHECK(t.total("end_reason=signal_lost")
          == t.calls([](const json& c) {
                return c["end_reason"] == "signal_lost";
              }).size());
    std::vector<std::string> starts;
    for (const auto& c : t.truth["calls"])
      starts.push_back(c["started_at"].get<std::string>());
    std::sort(starts.begin(), starts.end());
    auto from = starts[starts.size() / 3];
    auto to = starts[2 * starts.size() / 3];
    CHECK(as_set(t.walk("from=" + url_encode(from) + "&to=" + url_encode(to),
                        60))
          == t.calls([&](const json& c) {
               auto s = c["started_at"].get<std::string>();
               return s >= from && s < to;
             }));
    CHECK(as_set(t.walk("min_duration_ms=30000&max_duration_ms=60000", 100))
          == t.calls([](const json& c) {
               auto d = c["duration_ms"].get<std::int64_t>();
               return d >= 30000 && d <= 60000;
             }));
  }
  {
    INFO("tool calls and errors");
    CHECK(t.total("has_error=true")
          == t.calls([](const json& c) {
                return c["error_count"].get<int>() > 0
                       || c["tool_errors"].get<int>() > 0;
              }).size());
    CHECK(t.total("has_error=false") + t.total("has_error=true")
          == everyone.size());
    auto tool = t.env.query_value(
      "select payload->>'name' from call_events where type = 'tool_call' "
      "group by 1 order by count(*) desc limit 1");
    REQUIRE_FALSE(tool.empty());
    auto with_tool = t.env.query_value(
      "select count(distinct session_id) from call_events where type = "
      "'tool_call' and payload->>'name' = '"
      + tool + "'");
    CHECK(std::to_string(t.total("tool=" + url_encode(tool))) == with_tool);
    CHECK(std::to_string(t.total("tool=" + url_encode(tool)))
          != std::to_string(all.size()));
  }
  {
    INFO("sentiment: every mood the script fixed is found under it");
    for (const char* mood : {"positive", "negative", "neutral"}) {
      auto found = as_set(t.walk(std::string{"sentiment="} + mood, 200));
      for (const auto& id :
           t.calls([&](const json& c) { return c["sentiment"] == mood; }))
        CHECK(found.count(id) == 1);
    }
  }
  {
    INFO("search ignores case and accents, in every language");
    int searched = 0;
    for (const auto& c : t.truth["calls"]) {
      auto text = c["first_user_text"].get<std::string>();
      // An accented word (UTF-8 lead byte 0xC3: á é í ó ú ñ ü ç ...).
      std::string word;
      std::size_t start = 0;
      for (std::size_t i = 0; i <= text.size(); ++i) {
        bool letter = i < text.size()
                      && (std::isalpha(static_cast<unsigned char>(text[i]))
                          || static_cast<unsigned char>(text[i]) >= 0x80);
        if (letter)
          continue;
        auto w = text.substr(start, i - start);
        if (w.find('\xC3') != std::string::npos && w.size() > 4) {
          word = w;
          break;
        }
        start = i + 1;
      }
      if (word.empty())
        continue;
      auto id = c["call_id"].get<std::string>();
      INFO("call " << id << ", word '" << word << "'");
      CHECK(as_set(t.walk("q=" + url_encode(word), 200)).count(id) == 1);
      // The same word typed without accents, in capitals.
      auto plain = plain_capitals(word);
      INFO("typed as '" << plain << "'");
      CHECK(plain != word);
      CHECK(as_set(t.walk("q=" + url_encode(plain), 200)).count(id) == 1);
      if (++searched == 5)
        break;
    }
    CHECK(searched == 5);
    CHECK(t.total("q=zzyzxquux") == 0);
  }
  {
    INFO("filters combine");
    CHECK(t.total("agent_id=agent-2&status=completed&min_duration_ms=1")
          == t.calls([](const json& c) {
                return c["agent_id"] == "agent-2" && c["status"] == "completed"
                       && c["duration_ms"].get<std::int64_t>() >= 1;
              }).size());
  }
}

TEST_CASE("the conversations list refuses bad input, naming the parameter") {
  spine_options options;
  options.inactivity_timeout_s = 120; // the calls stay live throughout
  spine_env env{options};
  env.start_node();
  json events = json::array();
  for (int i = 0; i < 5; ++i)
    events.push_back({{"call_id", "c-" + std::to_string(i)},
                      {"type", "answered"},
                      {"at", "2026-12-03T10:0" + std::to_string(i) + ":00Z"}});
  REQUIRE(sb::test::http_request(static_cast<std::uint16_t>(env.node_port()),
                                 "POST", "/v1/ingest/events?agent_id=bot",
                                 events.dump(), bearer(env.key()))
            .status
          == 202);
  for (int tries = 0; tries < 200; ++tries) {
    if (env.query_value("select count(*) from sessions") == "5")
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(env.query_value("select count(*) from sessions") == "5");

  auto bad = [&](const std::string& query, const std::string& parameter) {
    auto r = env.get("/v1/conversations?" + query);
    INFO(query << " -> " << r.status << " " << r.body);
    CHECK(r.status == 400);
    CHECK(r.json()["error"]["parameter"] == parameter);
  };
  bad("from=2026-13-01", "from");
  bad("from=2026-02-30", "from");
  bad("to=yesterday", "to");
  bad("from=2026-12-03T10:00:00", "from"); // no zone: ambiguous
  bad("from=2026-12-04&to=2026-12-03", "to");
  bad("status=talking", "status");
  bad("direction=sideways", "direction");
  bad("success=maybe", "success");
  bad("has_error=yes", "has_error");
  bad("limit=201", "limit");
  bad("limit=0", "limit");
  bad("limit=ten", "limit");
  bad("min_duration_ms=-1", "min_duration_ms");
  bad("min_cost=0.1234567", "min_cost");
  bad("min_cost=-1", "min_cost");
  bad("min_latency_p95_ms=fast", "min_latency_p95_ms");
  bad("sort=agent", "sort");
  bad("order=up", "order");
  bad("q=%20%2B%20", "q");
  bad("limit=1&limit=2", "limit");
  bad("colour=red", "colour");
  bad("agent_id=a%00b", "agent_id");
  bad("cursor=not-a-cursor", "cursor");

  auto first = env.get("/v1/conversations?limit=2").json();
  REQUIRE(first["next_cursor"].is_string());
  auto cursor = first["next_cursor"].get<std::string>();
  // The payload edited (one character), the signature kept.
  auto edited = cursor;
  edited[3] = edited[3] == 'A' ? 'B' : 'A';
  bad("limit=2&cursor=" + url_encode(edited), "cursor");
  // The same cursor with other filters or another order.
  bad("limit=2&agent_id=bot&cursor=" + url_encode(cursor), "cursor");
  bad("limit=2&order=asc&cursor=" + url_encode(cursor), "cursor");
  auto second
    = env.get("/v1/conversations?limit=2&cursor=" + url_encode(cursor));
  CHECK(second.status == 200);
  CHECK(second.json()["items"][0]["id"] == "c-2");

  INFO("no key, a wrong key, another tenant");
  CHECK(sb::test::http_request(static_cast<std::uint16_t>(env.node_port()),
                               "GET", "/v1/conversations")
          .status
        == 401);
  CHECK(env.get_as("sb_nope_nope", "/v1/conversations").status == 401);
  auto other = env.create_key("other-tenant", "viewer");
  auto theirs = env.get_as(other, "/v1/conversations?include_total=true");
  REQUIRE(theirs.status == 200);
  CHECK(theirs.json()["items"].empty());
  CHECK(theirs.json()["total"] == 0);
  CHECK(env.get_as(other, "/v1/conversations/c-1").status == 404);
  auto viewer = env.create_key("default", "viewer");
  auto ours = env.get_as(viewer, "/v1/conversations?include_total=true");
  CHECK(ours.json()["total"] == 5);

  INFO("the live calls, newest first, with their count");
  auto active = env.get("/v1/conversations/active?limit=3").json();
  CHECK(active["count"] == 5);
  REQUIRE(active["items"].size() == 3);
  CHECK(active["items"][0]["id"] == "c-4");
  CHECK(active["items"][0]["status"] == "active");
  CHECK(active["items"][0]["started_at"] == "2026-12-03T10:04:00.000Z");
  CHECK(env.get_as(other, "/v1/conversations/active").json()["count"] == 0);
  auto too_many = env.get("/v1/conversations/active?limit=1001");
  CHECK(too_many.status == 400);
  CHECK(too_many.json()["error"]["parameter"] == "limit");
}
