#include "switchboard/events/event.hpp"

namespace sb {

const char* to_string(call_status s) noexcept {
  switch (s) {
  case call_status::queued:
    return "queued";
  case call_status::ringing:
    return "ringing";
  case call_status::active:
    return "active";
  case call_status::completed:
    return "completed";
  case call_status::failed:
    return "failed";
  case call_status::declined:
    return "declined";
  case call_status::missed:
    return "missed";
  }
  return "unknown";
}

std::optional<call_status>
call_status_from_string(std::string_view name) noexcept {
  for (auto s : {call_status::queued, call_status::ringing, call_status::active,
                 call_status::completed, call_status::failed,
                 call_status::declined, call_status::missed})
    if (name == to_string(s))
      return s;
  return std::nullopt;
}

bool is_terminal(call_status s) noexcept {
  return s == call_status::completed || s == call_status::failed
         || s == call_status::declined || s == call_status::missed;
}

const char* to_string(speaker s) noexcept {
  return s == speaker::user ? "user" : "agent";
}

std::string event::id() const {
  if (env.call_id.empty()) // partition marker: unique per epoch
    return "partition:"
           + std::to_string(std::get<partition_acquired>(payload).partition)
           + ":" + std::to_string(env.epoch);
  return env.call_id + ":" + std::to_string(env.seq) + ":"
         + std::to_string(env.epoch);
}

std::uint16_t event::type_tag() const noexcept {
  return std::visit(
    [](const auto& p) { return std::decay_t<decltype(p)>::tag; }, payload);
}

namespace {

template <class T>
constexpr const char* name_of();
#define SB_EVENT_NAME(type)                                                    \
  template <>                                                                  \
  constexpr const char* name_of<type>() {                                      \
    return #type;                                                              \
  }
SB_EVENT_NAME(call_queued)
SB_EVENT_NAME(call_ringing)
SB_EVENT_NAME(call_started)
SB_EVENT_NAME(user_spoke)
SB_EVENT_NAME(agent_spoke)
SB_EVENT_NAME(turn_latency_measured)
SB_EVENT_NAME(tool_invoked)
SB_EVENT_NAME(user_interrupted)
SB_EVENT_NAME(usage_recorded)
SB_EVENT_NAME(call_ended)
SB_EVENT_NAME(call_analyzed)
SB_EVENT_NAME(recording_available)
SB_EVENT_NAME(conversation_erased)
SB_EVENT_NAME(partition_acquired)
SB_EVENT_NAME(speech_changed)
SB_EVENT_NAME(metric_measured)
SB_EVENT_NAME(problem_logged)
SB_EVENT_NAME(turn_completed)
#undef SB_EVENT_NAME

} // namespace

const char* event::type_name() const noexcept {
  return std::visit(
    [](const auto& p) { return name_of<std::decay_t<decltype(p)>>(); },
    payload);
}

} // namespace sb
