// GET /v1/analytics/* against a real node, NATS and PostgreSQL, with 200
// simulated calls of three agents spread over five hours: summaries,
// timeseries in three zones and latency percentiles equal the simulator's
// ground truth; the pre-aggregated tables and a GROUP BY over sessions give
// the same numbers; answers are cached until the projections move; every
// bad input is a 400 naming its parameter.

#include "simulated_tenant.hpp"

#include "switchboard/analysis/latency_histogram.hpp"
#include "switchboard/events/calendar.hpp"
#include "switchboard/events/time_zone.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <thread>

using namespace sb::test;
using nlohmann::json;

namespace {

constexpr std::int64_t minute_us = 60'000'000;
constexpr std::int64_t hour_us = 60 * minute_us;

/// "2025-11-24T09:00:00.000Z" -> µs.
std::int64_t parse_utc(const std::string& s) {
  auto n = [&](std::size_t at, std::size_t len) {
    return std::stoll(s.substr(at, len));
  };
  auto days = sb::days_from_civil(n(0, 4), static_cast<unsigned>(n(5, 2)),
                                  static_cast<unsigned>(n(8, 2)));
  auto secs = days * 86400 + n(11, 2) * 3600 + n(14, 2) * 60 + n(17, 2);
  return secs * 1'000'000 + n(20, 3) * 1000;
}

std::string iso(std::int64_t us) {
  return sb::format_iso8601_ms(us);
}

std::int64_t floor_to(std::int64_t us, std::int64_t width) {
  auto r = us % width;
  return us - (r < 0 ? r + width : r);
}

/// The status and end reason counts, cost and duration of some calls.
struct truth_totals {
  std::int64_t sessions = 0;
  std::map<std::string, std::int64_t> by_status;
  std::map<std::string, std::int64_t> by_end_reason;
  std::int64_t cost_micros = 0;
  std::map<std::string, std::int64_t> cost_by_component;
  std::int64_t duration_ms_sum = 0;

  void add(const json& c) {
    ++sessions;
    ++by_status[c["status"].get<std::string>()];
    auto reason = c["end_reason"].get<std::string>();
    if (!reason.empty())
      ++by_end_reason[reason];
    for (const auto& [k, v] : c["cost"].items())
      if (k == "total")
        cost_micros += v.get<std::int64_t>();
      else
        cost_by_component[k] += v.get<std::int64_t>();
    duration_ms_sum += c["duration_ms"].get<std::int64_t>();
  }
};

json counts_json(const std::map<std::string, std::int64_t>& m) {
  json j = json::object();
  for (const auto& [k, n] : m)
    j[k] = n;
  return j;
}

struct analytics_client {
  simulated_tenant& t;

  sb::test::http_response raw(const std::string& path) {
    return t.env.get("/v1/analytics/" + path);
  }

  json get(const std::string& path) {
    auto r = raw(path);
    INFO("GET /v1/analytics/" << path << " -> " << r.status << " " << r.body);
    REQUIRE(r.status == 200);
    return r.json();
  }

  /// The 400's parameter for `path`.
  std::string refused(const std::string& path) {
    auto r = raw(path);
    INFO("GET /v1/analytics/" << path << " -> " << r.status << " " << r.body);
    REQUIRE(r.status == 400);
    return r.json()["error"].value("parameter", "");
  }
};

/// Every status: a filter that selects every call but is no dimension of
/// the agent_stats tables, so the store counts over sessions instead.
const std::string every_status
  = "status=queued,ringing,active,completed,failed,declined,missed";

json without_source(json j) {
  j.erase("source");
  return j;
}

sb::analysis::histogram histogram_of(const std::vector<double>& samples) {
  sb::analysis::histogram h;
  for (auto ms : samples)
    h.add(ms);
  return h;
}

/// What the latency endpoint must say of these samples.
void check_metric(const json& got, const std::vector<double>& samples) {
  auto h = histogram_of(samples);
  CHECK(got["count"].get<std::int64_t>() == h.count);
  if (h.count == 0) {
    CHECK(got["p50"].is_null());
    return;
  }
  for (auto [name, q] : {std::pair{"p50", 0.5}, std::pair{"p90", 0.9},
                         std::pair{"p95", 0.95}, std::pair{"p99", 0.99}}) {
    INFO(name);
    CHECK(got[name].get<double>()
          == Approx(*sb::analysis::quantile(h.counts, q)).margin(0.001));
  }
  CHECK(got["mean_ms"].get<double>()
        == Approx(static_cast<double>(h.sum_us) / 1000.0
                  / static_cast<double>(h.count))
             .margin(0.001));
}

} // namespace

TEST_CASE("analytics answer as the ground truth does, from the "
          "pre-aggregated tables and over sessions alike") {
  simulated_tenant t{200, 20261204, 0.01};
  analytics_client api{t};
  const auto& calls = t.truth["calls"];
  REQUIRE(calls.size() == 200);
  std::vector<std::int64_t> starts;
  for (const auto& c : calls)
    starts.push_back(parse_utc(c["started_at"].get<std::string>()));
  auto [first, last] = std::minmax_element(starts.begin(), starts.end());
  REQUIRE(*last - *first > 4 * hour_us); // spread over hours

  {
    INFO("the summary of everything, from the daily table");
    truth_totals want;
    std::map<std::string, truth_totals> per_agent;
    for (const auto& c : calls) {
      want.add(c);
      per_agent[c["agent_id"].get<std::string>()].add(c);
    }
    auto s = api.get("summary");
    CHECK(s["source"] == "pre_aggregated");
    CHECK(s["total_sessions"] == 200);
    CHECK(s["by_status"] == counts_json(want.by_status));
    CHECK(s["by_end_reason"] == counts_json(want.by_end_reason));
    CHECK(s["total_cost"].get<double>()
          == Approx(static_cast<double>(want.cost_micros) / 1e6)
               .margin(1e-9));
    for (const auto& [component, micros] : want.cost_by_component)
      CHECK(s["cost_by_component"][component].get<double>()
            == Approx(static_cast<double>(micros) / 1e6).margin(1e-9));
    CHECK(s["avg_duration_ms"].get<double>()
          == Approx(static_cast<double>(want.duration_ms_sum) / 200.0));
    auto succeeded = t.total("success=success");
    auto failed = t.total("success=failure");
    REQUIRE(succeeded + failed > 0);
    CHECK(s["success_rate"].get<double>()
          == Approx(static_cast<double>(succeeded)
                    / static_cast<double>(succeeded + failed)));
    REQUIRE(s["by_agent"].size() == per_agent.size());
    for (const auto& a : s["by_agent"]) {
      const auto& w = per_agent[a["agent_id"].get<std::string>()];
      INFO(a.dump());
      CHECK(a["sessions"] == w.sessions);
      auto completed = w.by_status.count("completed") != 0
                         ? w.by_status.at("completed")
                         : 0;
      CHECK(a["completed"] == completed);
      CHECK(a["cost"].get<double>()
            == Approx(static_cast<double>(w.cost_micros) / 1e6)
                 .margin(1e-9));
    }
    CHECK(without_source(api.get("summary?" + every_status))
          == without_source(s));
  }
  {
    INFO("a range that starts and ends mid-hour: hours from the hourly "
         "table, the minutes around them from sessions");
    auto from = floor_to(*first, hour_us) + hour_us + 17 * minute_us + 23;
    auto to = floor_to(*last, hour_us) - hour_us + 41 * minute_us;
    truth_totals want;
    for (std::size_t i = 0; i < starts.size(); ++i)
      if (starts[i] >= from && starts[i] < to)
        want.add(calls[i]);
    REQUIRE(want.sessions > 20);
    REQUIRE(want.sessions < 200);
    auto range = "from=" + url_encode(iso(from)) + "&to=" + url_encode(iso(to));
    auto s = api.get("summary?" + range);
    CHECK(s["source"] == "pre_aggregated");
    CHECK(s["total_sessions"] == want.sessions);
    CHECK(s["by_status"] == counts_json(want.by_status));
    CHECK(s["by_end_reason"] == counts_json(want.by_end_reason));
    CHECK(s["total_cost"].get<double>()
          == Approx(static_cast<double>(want.cost_micros) / 1e6)
               .margin(1e-9));
    auto by_sessions = api.get("summary?" + range + "&" + every_status);
    CHECK(by_sessions["source"] == "sessions");
    CHECK(without_source(by_sessions) == without_source(s));
    CHECK(without_source(api.get("sentiment?" + range + "&" + every_status))
          == without_source(api.get("sentiment?" + range)));
  }
  {
    INFO("filters on the tables' dimensions and beyond them");
    for (const auto& agent : t.truth["agents"]) {
      auto id = agent["agent_id"].get<std::string>();
      auto s = api.get("summary?agent_id=" + id);
      CHECK(s["source"] == "pre_aggregated");
      CHECK(s["total_sessions"] == agent["calls"]);
      CHECK(s["by_status"] == agent["by_status"]);
    }
    auto language = t.env.query_value(
      "select language from sessions where language <> '' group by 1 "
      "order by count(*) desc limit 1");
    REQUIRE_FALSE(language.empty());
    auto by_language = api.get("summary?language=" + language);
    CHECK(by_language["source"] == "pre_aggregated");
    CHECK(by_language["total_sessions"]
          == t.total("language=" + language));
    auto failed = api.get("summary?status=failed");
    CHECK(failed["source"] == "sessions");
    CHECK(failed["total_sessions"] == t.total("status=failed"));
  }
  {
    INFO("sentiment adds up, and every mood the script fixed is counted");
    auto s = api.get("sentiment");
    CHECK(s["positive"].get<int>() + s["neutral"].get<int>()
            + s["negative"].get<int>() + s["unknown"].get<int>()
          == 200);
    for (const char* mood : {"positive", "negative", "neutral"}) {
      auto fixed = t.calls([&](const json& c) {
        return c.value("sentiment", "") == mood;
      });
      CHECK(s[mood].get<std::size_t>() >= fixed.size());
      CHECK(s[mood].get<std::uint64_t>()
            == t.total(std::string{"sentiment="} + mood));
    }
  }
  {
    INFO("timeseries per hour and day in three zones, as the truth buckets");
    auto range = "&from=" + url_encode(iso(*first)) + "&to="
                 + url_encode(iso(*last + 1));
    struct zone_case {
      const char* query;
      const char* tz;
      std::int64_t width;
      const char* source;
    };
    for (const auto& z : {
           zone_case{"bucket=hour&tz=Europe/Paris", "Europe/Paris", hour_us,
                     "pre_aggregated"},
           zone_case{"bucket=hour&tz=%2B05:30", "+05:30", hour_us,
                     "sessions"},
           zone_case{"bucket=day&tz=America/New_York", "America/New_York",
                     24 * hour_us, "pre_aggregated"},
           zone_case{"bucket=day", "UTC", 24 * hour_us, "pre_aggregated"},
         }) {
      INFO(z.query);
      auto zone = *sb::time_zone::find(z.tz);
      auto offset_at = [&](std::int64_t us) {
        return zone.offset_seconds(us) * 1'000'000;
      };
      std::map<std::int64_t, std::int64_t> want; // local bucket start -> n
      for (auto s : starts)
        ++want[floor_to(s + offset_at(s), z.width) - offset_at(s)];
      auto ts = api.get(std::string{"timeseries?"} + z.query + range);
      CHECK(ts["source"] == z.source);
      std::int64_t sum = 0;
      for (const auto& item : ts["items"]) {
        sum += item["sessions"].get<std::int64_t>();
        auto start = item["start"].get<std::string>();
        // "2025-11-24T10:00:00+01:00": the UTC instant of a local time.
        auto sign = start[19] == '-' ? -1 : 1;
        auto offset = sign
                      * (std::stoll(start.substr(20, 2)) * hour_us
                         + std::stoll(start.substr(23, 2)) * minute_us);
        auto utc = parse_utc(start.substr(0, 19) + ".000Z") - offset;
        CHECK(offset == offset_at(utc));
        auto i = want.find(utc);
        CHECK(item["sessions"] == (i == want.end() ? 0 : i->second));
      }
      CHECK(sum == 200);
    }
  }
  {
    INFO("latency percentiles from the histograms, TTFBs during an "
         "interruption apart");
    std::map<std::string, std::map<std::string, std::vector<double>>> samples;
    std::map<std::string, std::int64_t> interrupted;
    auto add = [&](const std::string& agent, const std::string& metric,
                   const json& list) {
      for (const auto& v : list) {
        samples[agent][metric].push_back(v.get<double>());
        samples[""][metric].push_back(v.get<double>());
      }
    };
    for (const auto& c : calls) {
      auto agent = c["agent_id"].get<std::string>();
      const auto& lat = c["latency"];
      add(agent, "user_to_bot", lat["user_to_bot_ms"]);
      add(agent, "llm_ttfb", lat["ttfb_ms"]["llm"]);
      add(agent, "tts_ttfb", lat["ttfb_ms"]["tts"]);
      add(agent, "stt_ttfb", lat["ttfb_ms"]["stt"]);
      for (const auto& [kind, list] : lat["ttfb_ms_interrupted"].items()) {
        interrupted[agent] += static_cast<std::int64_t>(list.size());
        interrupted[""] += static_cast<std::int64_t>(list.size());
      }
    }
    REQUIRE(samples[""]["user_to_bot"].size() > 100);
    REQUIRE(interrupted[""] > 0);
    auto l = api.get("latency");
    auto check_all = [&](const json& got, const std::string& agent) {
      INFO("agent '" << agent << "'");
      for (const char* metric :
           {"user_to_bot", "llm_ttfb", "tts_ttfb", "stt_ttfb"}) {
        INFO(metric);
        check_metric(got[metric], samples[agent][metric]);
      }
      CHECK(got["ttfb_during_interruption"] == interrupted[agent]);
    };
    check_all(l["overall"], "");
    REQUIRE(l["by_agent"].size() == 3);
    for (const auto& a : l["by_agent"])
      check_all(a, a["agent_id"].get<std::string>());
    // Hours are whole: a range inside one hour reads that whole hour.
    auto hour = floor_to(starts[100], hour_us);
    auto within = api.get("latency?from=" + url_encode(iso(hour + minute_us))
                          + "&to=" + url_encode(iso(hour + 2 * minute_us)));
    CHECK(within["from"] == iso(hour));
    CHECK(within["to"] == iso(hour + hour_us));
  }
  {
    INFO("tags and top phrases rank what the list finds");
    auto tags = api.get("tags?limit=5");
    REQUIRE_FALSE(tags["items"].empty());
    CHECK(tags["items"].size() <= 5);
    std::int64_t previous = 1 << 30;
    for (const auto& item : tags["items"]) {
      auto n = item["count"].get<std::int64_t>();
      CHECK(n <= previous);
      previous = n;
      CHECK(static_cast<std::uint64_t>(n)
            == t.total("tag=" + url_encode(item["tag"].get<std::string>())));
    }
    auto phrases = api.get("top-phrases?limit=3");
    REQUIRE(phrases["items"].size() == 3);
    for (const auto& item : phrases["items"]) {
      CHECK(item["count"].get<std::int64_t>() > 0);
      CHECK(t.total("q=" + url_encode(item["phrase"].get<std::string>()))
            > 0);
    }
    auto one_agent = api.get("top-phrases?limit=3&agent_id=agent-1");
    CHECK(one_agent["items"][0]["count"].get<std::int64_t>()
          <= phrases["items"][0]["count"].get<std::int64_t>());
  }
  {
    INFO("an answer is cached until the projections move");
    auto a = api.raw("summary?agent_id=agent-2");
    auto b = api.raw("summary?agent_id=agent-2");
    CHECK(b.header("x-switchboard-cache") == "hit");
    CHECK(b.body == a.body);
    auto before = b.json()["total_sessions"].get<int>();
    json events = json::array();
    events.push_back({{"call_id", "cached-then-new"},
                      {"type", "answered"},
                      {"at", iso(*first + 30 * minute_us)}});
    REQUIRE(sb::test::http_request(
              static_cast<std::uint16_t>(t.env.node_port()), "POST",
              "/v1/ingest/events?agent_id=agent-2", events.dump(),
              bearer(t.env.key()))
              .status
            == 202);
    int after = before;
    for (int tries = 0; tries < 200 && after == before; ++tries) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      after = api.get("summary?agent_id=agent-2")["total_sessions"].get<int>();
    }
    CHECK(after == before + 1);
  }
  {
    INFO("bad input names its parameter; no key, 401; another tenant, "
         "nothing");
    CHECK(api.refused("timeseries?tz=Mars/Olympus") == "tz");
    CHECK(api.refused("timeseries?bucket=week") == "bucket");
    CHECK(api.refused("timeseries?from=2020-01-01&to=2026-01-01") == "from");
    CHECK(api.refused("summary?from=2026-01-02&to=2026-01-01") == "to");
    CHECK(api.refused("summary?q=hello") == "q");
    CHECK(api.refused("summary?status=sleeping") == "status");
    CHECK(api.refused("latency?status=failed") == "status");
    CHECK(api.refused("tags?limit=1000") == "limit");
    CHECK(api.refused("top-phrases?from=yesterday") == "from");
    CHECK(sb::test::http_request(
            static_cast<std::uint16_t>(t.env.node_port()), "GET",
            "/v1/analytics/summary")
            .status
          == 401);
    auto other = t.env.create_key("other-tenant", "viewer");
    auto r = t.env.get_as(other, "/v1/analytics/summary");
    REQUIRE(r.status == 200);
    CHECK(r.json()["total_sessions"] == 0);
    auto l = t.env.get_as(other, "/v1/analytics/latency");
    CHECK(l.json()["overall"]["user_to_bot"]["count"] == 0);
  }
}
