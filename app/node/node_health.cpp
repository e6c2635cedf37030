#include "node/node_health.hpp"

#include "call/call_pipeline.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include <chrono>
#include <optional>

namespace sb::app {

namespace {

/// Long enough for an idle router, short enough that a busy one never
/// makes /healthz slow.
constexpr auto stats_timeout = std::chrono::milliseconds(250);

std::optional<router_stats> ask_stats(caf::actor_system& sys,
                                      const sb::call_router& router) {
  std::optional<router_stats> result;
  caf::scoped_actor self{sys};
  self->request(router, stats_timeout, stats_atom::value)
    .receive([&](const router_stats& s) { result = s; },
             [&](const caf::error&) {});
  return result;
}

} // namespace

nlohmann::json node_health(const health_sources& from) {
  nlohmann::json j{
    {"status", "ok"},
    {"node_id", from.node_id},
    {"nats", from.js->connected() ? "connected" : "disconnected"},
    {"partitions_owned", from.partitions_owned()},
    {"partitions", from.partitions},
    {"events_stored", from.sink->stored()},
    {"events_fenced", from.sink->fenced()}};
  if (auto s = ask_stats(*from.sys, from.router)) {
    j["live_calls"] = s->live_calls;
    j["ended_calls"] = s->ended_calls;
    j["signals"] = s->signals;
    j["late_signals"] = s->late_signals;
    j["pending_messages"] = s->pending_messages;
    j["awaiting_lookup"] = s->awaiting_lookup;
  } else {
    j["router"] = "busy";
  }
  auto cuts = call::text_cuts();
  j["texts_cut"] = cuts.texts_cut;
  j["turn_parts_dropped"] = cuts.parts_dropped;
  // projection_position and projection_last_error: the sessions
  // projection's, as before there were several.
  auto projections = nlohmann::json::object();
  for (const auto& runner : *from.projections) {
    auto st = runner->stats();
    nlohmann::json p{{"position", st.position},
                     {"batches", st.batches},
                     {"events", st.events}};
    if (!st.last_error.empty())
      p["last_error"] = st.last_error;
    if (projections.empty()) {
      j["projection_position"] = st.position;
      if (!st.last_error.empty())
        j["projection_last_error"] = st.last_error;
    }
    projections[runner->name()] = std::move(p);
  }
  j["projections"] = std::move(projections);
  return j;
}

} // namespace sb::app
