#include "router/call_router.hpp"

#include "call/call_pipeline.hpp"
#include "router/rehydration.hpp"
#include "switchboard/events/partitions.hpp"

#include <caf/exit_reason.hpp>
#include <spdlog/spdlog.h>

namespace sb::router {

namespace {

using self_ptr = sb::call_router::stateful_pointer<call_router_state>;

call_actor spawn_call(self_ptr self, const std::string& call_id,
                      call::call_state initial) {
  auto& st = self->state;
  initial.call_id = call_id; // a new call's state knows nothing yet
  auto partition = partition_of(call_id, st.partition_count);
  auto epoch = st.epochs[partition];
  return self->spawn(call::call_actor_impl, std::move(initial), partition,
                     epoch, st.sink, caf::actor_cast<sb::call_router>(self),
                     st.timeouts,
                     std::shared_ptr<const call::partition_backlog>{
                       st.backlog});
}

/// Splits a message's signals by call, keeping their order and indexes.
std::vector<call_batch> split_by_call(const partition_delivery& d) {
  std::vector<call_batch> out;
  std::unordered_map<std::string, std::size_t> slot;
  const auto& b = d.batch;
  for (std::uint32_t i = 0; i < b.signals.size(); ++i) {
    const auto& s = b.signals[i];
    auto [it, fresh] = slot.emplace(s.call_id, out.size());
    if (fresh) {
      call_batch cb;
      cb.tenant_id = b.tenant_id;
      cb.agent_id = b.agent_id;
      cb.provider = b.source;
      cb.stream_seq = d.delivery.stream_seq();
      out.push_back(std::move(cb));
    }
    auto& cb = out[it->second];
    cb.indexes.push_back(i);
    cb.signals.push_back(s);
  }
  return out;
}

bool has_amendment(const call_batch& b) {
  for (const auto& s : b.signals)
    if (call::is_amendment(s.kind))
      return true;
  return false;
}

void dispatch(self_ptr self, partition_delivery& d) {
  auto& st = self->state;
  st.backlog->dispatched(d.partition);
  auto seq = d.delivery.stream_seq();
  if (auto i = st.pending.find(seq); i != st.pending.end()) {
    i->second.delivery = std::move(d.delivery); // redelivered while pending
    return;
  }
  st.stats.signals += d.batch.signals.size();
  std::size_t waiting = 0;
  for (auto& cb : split_by_call(d)) {
    const auto& id = cb.signals.front().call_id;
    auto live = st.live.find(id);
    if (live == st.live.end()) {
      auto ended = st.ended.find(id);
      if (ended != st.ended.end() && !has_amendment(cb)) {
        st.stats.late_signals += cb.signals.size();
        continue;
      }
      call::call_state initial;
      if (ended != st.ended.end()) {
        initial = ended->second;
        st.ended.erase(ended);
      }
      live = st.live.emplace(id, spawn_call(self, id, std::move(initial))).first;
    }
    ++st.batches_sent[id];
    ++waiting;
    self->send(live->second, signals_atom::value, std::move(cb));
  }
  if (waiting == 0) {
    d.delivery.ack();
    return;
  }
  st.pending.emplace(seq, call_router_state::pending_message{
                            std::move(d.delivery), waiting});
}

} // namespace

sb::call_router::behavior_type
call_router_impl(sb::call_router::stateful_pointer<call_router_state> self,
                 std::shared_ptr<call::event_sink> sink,
                 call::call_timeouts timeouts, std::uint32_t partition_count,
                 std::shared_ptr<call::partition_backlog> backlog) {
  auto& st = self->state;
  st.sink = std::move(sink);
  st.backlog = std::move(backlog);
  st.timeouts = timeouts;
  st.partition_count = partition_count;
  // Stopping the router stops its calls: whatever they had not stored is
  // redelivered to the next owner (docs/adr/0003).
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    for (auto& [id, call] : self->state.live)
      self->send_exit(call, msg.reason);
    self->quit(msg.reason);
  });
  self->set_down_handler([self](const caf::down_msg& msg) {
    if (msg.reason)
      spdlog::error("call router: a call actor failed: {}",
                    to_string(msg.reason));
  });
  return {
    [self](signals_atom, partition_delivery& d) { dispatch(self, d); },
    [self](rehydrate_atom, rehydrated_partition& r) {
      auto& st = self->state;
      st.epochs[r.partition] = r.epoch;
      for (auto& ended : r.ended) {
        auto id = ended.call_id;
        st.ended.emplace(std::move(id), std::move(ended));
      }
      for (auto& live : r.live) {
        auto id = live.call_id;
        st.live.emplace(id, spawn_call(self, id, std::move(live)));
      }
      spdlog::info("call router: partition {} epoch {}: {} live, {} ended "
                   "calls resumed",
                   r.partition, r.epoch, r.live.size(), r.ended.size());
    },
    [self](done_atom, const std::string&, std::uint64_t seq) {
      auto& st = self->state;
      auto i = st.pending.find(seq);
      if (i == st.pending.end() || --i->second.waiting > 0)
        return;
      i->second.delivery.ack();
      st.pending.erase(i);
    },
    [self](idle_atom, const std::string& id, std::uint64_t batches,
           call::call_state& final_state) {
      auto& st = self->state;
      auto live = st.live.find(id);
      if (live == st.live.end() || st.batches_sent[id] != batches)
        return; // more signals are on their way to it
      self->send_exit(live->second, caf::exit_reason::normal);
      st.live.erase(live);
      st.batches_sent.erase(id);
      st.ended.emplace(id, trimmed(std::move(final_state)));
    },
    [self](stats_atom) {
      auto& st = self->state;
      auto stats = st.stats;
      stats.live_calls = st.live.size();
      stats.ended_calls = st.ended.size();
      stats.pending_messages = st.pending.size();
      return stats;
    },
  };
}

} // namespace sb::router
