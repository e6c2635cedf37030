#include "router/call_router.hpp"

#include "call/call_pipeline.hpp"
#include "router/rehydration.hpp"
#include "switchboard/events/partitions.hpp"

#include <caf/exit_reason.hpp>
#include <spdlog/spdlog.h>

#include <chrono>

namespace sb::router {

namespace {

using self_ptr = sb::call_router::stateful_pointer<call_router_state>;

/// How long a failed ended-call lookup waits before it is asked again.
constexpr auto lookup_retry = std::chrono::seconds(1);

std::uint32_t partition_of_call(self_ptr self, const std::string& call_id) {
  return partition_of(call_id, self->state.partition_count);
}

call_actor spawn_call(self_ptr self, const std::string& call_id,
                      call::call_state initial) {
  auto& st = self->state;
  initial.call_id = call_id; // a new call's state knows nothing yet
  auto partition = partition_of_call(self, call_id);
  auto epoch = st.epochs[partition];
  return self->spawn(
    call::call_actor_impl, std::move(initial), partition, epoch, st.sink,
    caf::actor_cast<sb::call_router>(self), st.timeouts,
    std::shared_ptr<const call::partition_backlog>{st.backlog});
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

/// One call's part of message `seq` is finished (stored, or late and
/// dropped): the message is acknowledged once all its parts are.
void part_done(self_ptr self, std::uint64_t seq) {
  auto& st = self->state;
  auto i = st.pending.find(seq);
  if (i == st.pending.end() || --i->second.waiting > 0)
    return;
  i->second.delivery.ack();
  st.pending.erase(i);
}

/// Hands a batch to its call's actor, spawning it if needed. False if the
/// call ended and the batch holds nothing that amends it (a late batch).
bool route(self_ptr self, call_batch cb) {
  auto& st = self->state;
  const auto id = cb.signals.front().call_id;
  auto live = st.live.find(id);
  if (live == st.live.end()) {
    auto ended = st.ended.find(id);
    if (ended != st.ended.end() && !has_amendment(cb)) {
      st.stats.late_signals += cb.signals.size();
      return false;
    }
    call::call_state initial;
    if (ended != st.ended.end()) {
      initial = ended->second;
      st.ended.erase(ended);
    }
    live = st.live.emplace(id, spawn_call(self, id, std::move(initial))).first;
  }
  ++st.batches_sent[id];
  self->send(live->second, signals_atom::value, std::move(cb));
  return true;
}

void look_up(self_ptr self, std::vector<std::string> ids);

/// The lookup answered: `found` holds the ended ones among `ids`.
void resolve(self_ptr self, const std::vector<std::string>& ids,
             std::vector<call::call_state>& found) {
  auto& st = self->state;
  for (auto& ended : found) {
    if (st.awaiting.count(ended.call_id) == 0)
      continue; // its partition was dropped meanwhile
    auto id = ended.call_id;
    st.ended.insert_or_assign(std::move(id), std::move(ended));
  }
  for (const auto& id : ids) {
    auto i = st.awaiting.find(id);
    if (i == st.awaiting.end())
      continue;
    auto batches = std::move(i->second);
    st.awaiting.erase(i);
    for (auto& cb : batches) {
      auto seq = cb.stream_seq;
      if (!route(self, std::move(cb)))
        part_done(self, seq);
    }
  }
}

void look_up(self_ptr self, std::vector<std::string> ids) {
  self->request(self->state.lookup, caf::infinite, lookup_atom::value, ids)
    .then(
      [self, ids](std::vector<call::call_state>& found) {
        resolve(self, ids, found);
      },
      [self, ids](caf::error& err) {
        // Nothing is decided without the answer: the batches wait (their
        // messages stay unacknowledged) and the question is asked again.
        spdlog::warn("call router: looking up {} calls failed, retrying: {}",
                     ids.size(), to_string(err));
        self->delayed_send(self, lookup_retry, lookup_atom::value, ids);
      });
}

void dispatch(self_ptr self, partition_delivery& d) {
  auto& st = self->state;
  st.backlog->dispatched(d.partition);
  if (st.epochs.count(d.partition) == 0)
    return; // not ours (any more): its next owner gets it again
  auto seq = d.delivery.stream_seq();
  if (auto i = st.pending.find(seq); i != st.pending.end()) {
    i->second.delivery = std::move(d.delivery); // redelivered while pending
    return;
  }
  st.stats.signals += d.batch.signals.size();
  std::size_t waiting = 0;
  std::vector<std::string> unknown;
  for (auto& cb : split_by_call(d)) {
    const auto& id = cb.signals.front().call_id;
    bool known = st.live.count(id) > 0 || st.ended.count(id) > 0;
    if (!known && st.lookup) {
      auto [it, fresh] = st.awaiting.try_emplace(id);
      if (fresh)
        unknown.push_back(id);
      it->second.push_back(std::move(cb));
      ++waiting;
      continue;
    }
    if (route(self, std::move(cb)))
      ++waiting;
  }
  if (!unknown.empty())
    look_up(self, std::move(unknown));
  if (waiting == 0) {
    d.delivery.ack();
    return;
  }
  st.pending.emplace(seq, call_router_state::pending_message{
                            std::move(d.delivery), d.partition, waiting});
}

/// Forgets everything of partition `p`; its calls stop.
void drop_partition(self_ptr self, std::uint32_t p) {
  auto& st = self->state;
  auto of_p = [&](const std::string& id) {
    return partition_of_call(self, id) == p;
  };
  std::size_t stopped = 0;
  for (auto i = st.live.begin(); i != st.live.end();) {
    if (!of_p(i->first)) {
      ++i;
      continue;
    }
    self->send_exit(i->second, caf::exit_reason::user_shutdown);
    st.batches_sent.erase(i->first);
    i = st.live.erase(i);
    ++stopped;
  }
  for (auto i = st.ended.begin(); i != st.ended.end();)
    i = of_p(i->first) ? st.ended.erase(i) : std::next(i);
  for (auto i = st.awaiting.begin(); i != st.awaiting.end();)
    i = of_p(i->first) ? st.awaiting.erase(i) : std::next(i);
  std::size_t unacked = 0;
  for (auto i = st.pending.begin(); i != st.pending.end();) {
    if (i->second.partition != p) {
      ++i;
      continue;
    }
    i = st.pending.erase(i);
    ++unacked;
  }
  st.epochs.erase(p);
  spdlog::info("call router: partition {} dropped: {} calls stopped, {} "
               "messages left unacknowledged for its next owner",
               p, stopped, unacked);
}

} // namespace

sb::call_router::behavior_type
call_router_impl(sb::call_router::stateful_pointer<call_router_state> self,
                 std::shared_ptr<call::event_sink> sink,
                 call::call_timeouts timeouts, std::uint32_t partition_count,
                 std::shared_ptr<call::partition_backlog> backlog,
                 sb::ended_calls lookup) {
  auto& st = self->state;
  st.sink = std::move(sink);
  st.backlog = std::move(backlog);
  st.timeouts = timeouts;
  st.partition_count = partition_count;
  st.lookup = std::move(lookup);
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
        st.ended.insert_or_assign(std::move(id), std::move(ended));
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
      part_done(self, seq);
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
    [self](lookup_atom, std::vector<std::string>& ids) {
      // Only those still waiting (a dropped partition's are gone).
      std::vector<std::string> still;
      for (auto& id : ids)
        if (self->state.awaiting.count(id) > 0)
          still.push_back(std::move(id));
      if (!still.empty())
        look_up(self, std::move(still));
    },
    [self](drop_atom, std::uint32_t partition) {
      drop_partition(self, partition);
      return true;
    },
    [self](stats_atom) {
      auto& st = self->state;
      auto stats = st.stats;
      stats.live_calls = st.live.size();
      stats.ended_calls = st.ended.size();
      stats.pending_messages = st.pending.size();
      stats.awaiting_lookup = st.awaiting.size();
      return stats;
    },
  };
}

} // namespace sb::router
