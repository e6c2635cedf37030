#include "sim/truth_json.hpp"

#include "sim/clock_text.hpp"

#include <map>

namespace sb::sim {

nlohmann::ordered_json truth_json(const std::vector<call_truth>& calls,
                                  const std::vector<std::string>& agent_ids) {
  nlohmann::ordered_json out;
  auto list = nlohmann::ordered_json::array();
  struct totals {
    std::map<std::string, std::int64_t> by_status;
    std::int64_t duration_ms_sum = 0;
    std::int64_t calls = 0;
  };
  std::map<std::string, totals> agents;
  for (const auto& id : agent_ids)
    agents[id];
  for (const auto& c : calls) {
    nlohmann::ordered_json j;
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
    list.push_back(std::move(j));
    auto& a = agents[c.agent_id];
    ++a.by_status[c.status];
    a.duration_ms_sum += c.duration_ms();
    ++a.calls;
  }
  out["calls"] = std::move(list);
  auto per_agent = nlohmann::ordered_json::array();
  for (const auto& [id, a] : agents) {
    nlohmann::ordered_json j;
    j["agent_id"] = id;
    j["by_status"] = nlohmann::ordered_json::object();
    for (const auto& [status, n] : a.by_status)
      j["by_status"][status] = n;
    j["duration_ms_sum"] = a.duration_ms_sum;
    j["calls"] = a.calls;
    per_agent.push_back(std::move(j));
  }
  out["agents"] = std::move(per_agent);
  return out;
}

} // namespace sb::sim
