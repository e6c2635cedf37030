#include "http/analytics_json.hpp"

#include "http/json_values.hpp"

#include "switchboard/events/calendar.hpp"
#include "switchboard/events/event.hpp"

#include <map>

namespace sb::app::http {

std::int64_t ended_calls(const db::stats_totals& t) {
  std::int64_t n = 0;
  for (const auto& [status, count] : t.by_status) {
    auto s = call_status_from_string(status);
    if (s && is_terminal(*s))
      n += count;
  }
  return n;
}

nlohmann::json ratio(std::int64_t num, std::int64_t den) {
  if (den == 0)
    return nullptr;
  return static_cast<double>(num) / static_cast<double>(den);
}

nlohmann::json success_rate(const db::stats_totals& t) {
  return ratio(t.success, t.success + t.failure);
}

nlohmann::json avg_duration_ms(const db::stats_totals& t) {
  return ratio(t.duration_ms_sum, ended_calls(t));
}

nlohmann::json cost_by_component(const db::stats_totals& t) {
  return {{"llm_prompt", json_usd(t.cost_llm_prompt)},
          {"llm_completion", json_usd(t.cost_llm_completion)},
          {"llm_cached", json_usd(t.cost_llm_cached)},
          {"tts", json_usd(t.cost_tts)},
          {"stt", json_usd(t.cost_stt)},
          {"telephony", json_usd(t.cost_telephony)}};
}

const char* source_name(db::stats_source s) noexcept {
  return s == db::stats_source::pre_aggregated ? "pre_aggregated"
                                               : "sessions";
}

agent_totals sum_by_agent(const db::stats_result& result) {
  std::map<std::string, db::stats_totals> agents;
  agent_totals out;
  for (const auto& g : result.groups) {
    agents[g.agent_id].add(g.totals);
    out.all.add(g.totals);
  }
  for (auto& [agent, totals] : agents)
    out.by_agent.emplace_back(agent, std::move(totals));
  return out;
}

nlohmann::json range_bound(const std::optional<std::int64_t>& us) {
  if (!us)
    return nullptr;
  return format_iso8601_ms(*us);
}

} // namespace sb::app::http
