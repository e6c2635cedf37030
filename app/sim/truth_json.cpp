#include "sim/truth_json.hpp"

#include "sim/clock_text.hpp"

#include "switchboard/analysis/cost.hpp"

#include <array>
#include <map>

namespace sb::sim {

namespace {

using json = nlohmann::ordered_json;

constexpr std::array<service_kind, 3> kinds{
  service_kind::llm, service_kind::tts, service_kind::stt};

json usage_json(const service_usage& u) {
  json j;
  j["llm_prompt_tokens"] = u.llm_prompt_tokens;
  j["llm_completion_tokens"] = u.llm_completion_tokens;
  j["llm_cached_tokens"] = u.llm_cached_tokens;
  j["tts_characters"] = u.tts_characters;
  j["stt_seconds"] = u.stt_seconds;
  return j;
}

void add(service_usage& into, const service_usage& u) {
  into.llm_prompt_tokens += u.llm_prompt_tokens;
  into.llm_completion_tokens += u.llm_completion_tokens;
  into.llm_cached_tokens += u.llm_cached_tokens;
  into.tts_characters += u.tts_characters;
  into.stt_seconds += u.stt_seconds;
}

/// {"llm": [...], "tts": [...], "stt": [...]}: the TTFB values of the
/// lines written while the user was interrupting, or of the others.
json ttfb_lists(const std::vector<ttfb_sample>& samples, bool interrupted) {
  json j;
  for (auto k : kinds) {
    auto list = json::array();
    for (const auto& s : samples)
      if (s.kind == k && s.interrupted == interrupted)
        list.push_back(s.ms);
    j[to_string(k)] = std::move(list);
  }
  return j;
}

/// The latencies: per measured agent turn, and as the sample lists a
/// latency histogram takes (user-to-bot of the turns where the bot was
/// seen to start; TTFB of every line), each split by the interruption flag.
json latency_json(const call_truth& c) {
  json j;
  auto plain = json::array();
  auto interrupted = json::array();
  auto turns = json::array();
  for (const auto& t : c.latencies) {
    if (t.user_to_bot_ms >= 0)
      (t.interrupted ? interrupted : plain).push_back(t.user_to_bot_ms);
    json turn;
    turn["turn"] = t.turn;
    turn["user_to_bot_ms"] = t.user_to_bot_ms;
    turn["llm_ttfb_ms"] = t.llm_ttfb_ms;
    turn["tts_ttfb_ms"] = t.tts_ttfb_ms;
    turn["stt_ms"] = t.stt_ms;
    turn["interrupted"] = t.interrupted;
    turns.push_back(std::move(turn));
  }
  j["user_to_bot_ms"] = std::move(plain);
  j["user_to_bot_ms_interrupted"] = std::move(interrupted);
  j["turns"] = std::move(turns);
  j["ttfb_ms"] = ttfb_lists(c.ttfb, false);
  j["ttfb_ms_interrupted"] = ttfb_lists(c.ttfb, true);
  return j;
}

/// How many latency samples of each list an agent's calls hold.
struct sample_counts {
  std::int64_t user_to_bot = 0;
  std::int64_t user_to_bot_interrupted = 0;
  std::int64_t turns = 0;
  std::map<std::string, std::int64_t> ttfb;
  std::map<std::string, std::int64_t> ttfb_interrupted;

  void add(const call_truth& c) {
    for (const auto& t : c.latencies) {
      ++turns;
      if (t.user_to_bot_ms >= 0)
        ++(t.interrupted ? user_to_bot_interrupted : user_to_bot);
    }
    for (const auto& s : c.ttfb)
      ++(s.interrupted ? ttfb_interrupted : ttfb)[to_string(s.kind)];
  }

  [[nodiscard]] json to_json() const {
    json j;
    j["user_to_bot"] = user_to_bot;
    j["user_to_bot_interrupted"] = user_to_bot_interrupted;
    j["turns"] = turns;
    auto by_kind = [](const std::map<std::string, std::int64_t>& m) {
      json k;
      for (auto kind : kinds) {
        auto it = m.find(to_string(kind));
        k[to_string(kind)] = it == m.end() ? 0 : it->second;
      }
      return k;
    };
    j["ttfb"] = by_kind(ttfb);
    j["ttfb_interrupted"] = by_kind(ttfb_interrupted);
    return j;
  }
};

/// What the call costs by the price table: its usage per service as the
/// lines of one call.
analysis::cost_breakdown cost_of(const call_truth& c,
                                 const analysis::rules& prices) {
  std::vector<analysis::usage_line> lines;
  for (const auto& [service, u] : c.usage) {
    analysis::usage_line line;
    line.service = service;
    line.llm_prompt_tokens = u.llm_prompt_tokens;
    line.llm_completion_tokens = u.llm_completion_tokens;
    line.llm_cached_tokens = u.llm_cached_tokens;
    line.tts_characters = u.tts_characters;
    line.stt_seconds = u.stt_seconds;
    lines.push_back(std::move(line));
  }
  return analysis::price_call(prices, c.started_ms * 1000, lines,
                              c.duration_ms(), "");
}

json cost_json(const std::array<std::int64_t, analysis::component_count>& c) {
  json j;
  std::int64_t total = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    j[analysis::to_string(static_cast<analysis::component>(i))] = c[i];
    total += c[i];
  }
  j["total"] = total;
  return j;
}

struct totals {
  std::map<std::string, std::int64_t> by_status;
  std::int64_t duration_ms_sum = 0;
  std::int64_t calls = 0;
  service_usage usage;
  std::int64_t tool_calls = 0;
  std::int64_t tool_errors = 0;
  std::int64_t error_count = 0;
  std::map<std::string, std::int64_t> sentiment;
  sample_counts latency;
  std::array<std::int64_t, analysis::component_count> cost{};
};

} // namespace

json truth_json(const std::vector<call_truth>& calls,
                const std::vector<std::string>& agent_ids,
                const analysis::rules& prices) {
  json out;
  auto list = json::array();
  std::map<std::string, totals> agents;
  for (const auto& id : agent_ids)
    agents[id];
  for (const auto& c : calls) {
    json j;
    j["call_id"] = c.call_id;
    j["agent_id"] = c.agent_id;
    j["status"] = c.status;
    j["end_reason"] = c.end_reason;
    j["turn_count"] = c.turn_count;
    j["started_at"] = api_time(c.started_ms);
    j["ended_at"] = api_time(c.ended_ms);
    j["duration_ms"] = c.duration_ms();
    j["first_user_text"] = c.first_user_text;
    j["first_agent_text"] = c.first_agent_text;
    j["interruptions"] = c.interruptions;
    j["dialect"] = c.dialect;
    j["language"] = c.language;
    j["language_named"] = c.language_named;
    j["usage"] = json::object();
    for (const auto& [service, u] : c.usage)
      j["usage"][service] = usage_json(u);
    j["tool_calls"] = c.tool_calls;
    j["tool_errors"] = c.tool_errors;
    j["error_count"] = c.error_count;
    if (!c.sentiment.empty())
      j["sentiment"] = c.sentiment;
    j["latency"] = latency_json(c);
    auto cost = cost_of(c, prices);
    j["cost"] = cost_json(cost.micro_usd);
    list.push_back(std::move(j));

    auto& a = agents[c.agent_id];
    ++a.by_status[c.status];
    a.duration_ms_sum += c.duration_ms();
    ++a.calls;
    for (const auto& [service, u] : c.usage)
      add(a.usage, u);
    a.tool_calls += c.tool_calls;
    a.tool_errors += c.tool_errors;
    a.error_count += c.error_count;
    if (!c.sentiment.empty())
      ++a.sentiment[c.sentiment];
    a.latency.add(c);
    for (std::size_t i = 0; i < a.cost.size(); ++i)
      a.cost[i] += cost.micro_usd[i];
  }
  out["calls"] = std::move(list);
  auto per_agent = json::array();
  for (const auto& [id, a] : agents) {
    json j;
    j["agent_id"] = id;
    j["by_status"] = json::object();
    for (const auto& [status, n] : a.by_status)
      j["by_status"][status] = n;
    j["duration_ms_sum"] = a.duration_ms_sum;
    j["calls"] = a.calls;
    j["usage"] = usage_json(a.usage);
    j["tool_calls"] = a.tool_calls;
    j["tool_errors"] = a.tool_errors;
    j["error_count"] = a.error_count;
    j["sentiment"] = json::object();
    for (const char* label : {"positive", "negative", "neutral", "unknown"}) {
      auto it = a.sentiment.find(label);
      j["sentiment"][label] = it == a.sentiment.end() ? 0 : it->second;
    }
    j["latency_samples"] = a.latency.to_json();
    j["cost"] = cost_json(a.cost);
    per_agent.push_back(std::move(j));
  }
  out["agents"] = std::move(per_agent);
  return out;
}

} // namespace sb::sim
