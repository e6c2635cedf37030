#include "http/live_changes.hpp"

#include "http/json_values.hpp"

#include <nlohmann/json.hpp>

namespace sb::app::http {

namespace {

using nlohmann::json;

struct change_of {
  const envelope& env;
  std::optional<live_change>& out;

  void emit(const char* type, json data) {
    data["call_id"] = env.call_id;
    data["at"] = json_time(env.occurred_at);
    out = live_change{0, env.tenant_id, type,
                      data.dump(-1, ' ', false,
                                json::error_handler_t::replace)};
  }

  void operator()(const call_queued&) {
    emit("call_state", {{"status", "queued"}});
  }
  void operator()(const call_ringing&) {
    emit("call_state", {{"status", "ringing"}});
  }
  void operator()(const call_started& x) {
    emit("call_started", {{"status", "active"},
                          {"agent_id", x.agent_id},
                          {"direction", x.direction},
                          {"provider", x.provider},
                          {"language", x.language}});
  }
  void operator()(const user_spoke& x) {
    emit("utterance",
         {{"speaker", "user"}, {"turn", x.turn}, {"text", x.text}});
  }
  void operator()(const agent_spoke& x) {
    emit("utterance",
         {{"speaker", "agent"}, {"turn", x.turn}, {"text", x.text}});
  }
  void operator()(const user_interrupted& x) {
    emit("call_state", {{"interrupted", true}, {"turn", x.turn}});
  }
  void operator()(const call_ended& x) {
    emit("call_ended", {{"status", to_string(x.status)},
                        {"end_reason", x.end_reason},
                        {"duration_ms", x.duration_ms}});
  }
  // Nothing a live view shows; named so that a new event type does not
  // compile until this says what it means live.
  void operator()(const turn_latency_measured&) {}
  void operator()(const metric_measured&) {}
  void operator()(const tool_invoked&) {}
  void operator()(const usage_recorded&) {}
  void operator()(const call_analyzed&) {}
  void operator()(const problem_logged&) {}
  void operator()(const turn_completed&) {}
  void operator()(const speech_changed&) {}
  void operator()(const recording_available&) {}
  void operator()(const conversation_erased&) {}
  void operator()(const partition_acquired&) {}
};

} // namespace

std::optional<live_change> live_change_of(const event& e, std::uint64_t seq) {
  std::optional<live_change> out;
  if (e.env.call_id.empty())
    return out; // a partition marker
  std::visit(change_of{e.env, out}, e.payload);
  if (out)
    out->id = seq;
  return out;
}

} // namespace sb::app::http
