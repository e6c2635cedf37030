#include "call/call_actor.hpp"

#include "call/call_pipeline.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace sb::call {

namespace {

using self_ptr = call_actor::stateful_pointer<call_actor_state>;

/// Not a call timer: the in-flight publish failed, try it again.
constexpr std::uint8_t retry_publish = 255;

time_us wall_now() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch())
    .count();
}

void arm(self_ptr self, call_timer timer, caf::timespan after,
         std::uint64_t generation) {
  self->delayed_send(self, after, timer_atom::value,
                     static_cast<std::uint8_t>(timer), generation);
}

void publish_next(self_ptr self) {
  auto& st = self->state;
  if (st.publishing || st.outbox.empty())
    return;
  st.publishing = true;
  auto handle = caf::actor_cast<call_actor>(self);
  auto seq = st.outbox.front().env.seq;
  st.sink->publish(st.partition, st.outbox.front(), [handle, seq](bool ok) {
    caf::anon_send(handle, stored_atom::value, seq, ok);
  });
}

/// Tells the router about every batch whose events are all stored.
void release_batches(self_ptr self) {
  auto& st = self->state;
  while (!st.pending.empty()) {
    const auto& front = st.pending.front();
    bool covered = st.stored_seq >= front.required_seq
                   && (!front.noop_tail || st.stored_seq > front.required_seq);
    if (!covered)
      break;
    self->send(st.router, done_atom::value, st.call.call_id, front.stream_seq);
    st.pending.pop_front();
  }
}

void maybe_passivate(self_ptr self) {
  auto& st = self->state;
  if (st.call.ended() && st.settled())
    self->delayed_send(self, st.timeouts.linger, linger_atom::value,
                       st.batches);
}

void enqueue(self_ptr self, std::vector<event> events) {
  for (auto& e : events)
    self->state.outbox.push_back(std::move(e));
  publish_next(self);
}

void rearm_status_timers(self_ptr self, bool status_changed) {
  auto& st = self->state;
  if (!status_changed || !st.call.status || st.call.ended())
    return;
  auto s = *st.call.status;
  if (s == call_status::queued || s == call_status::ringing)
    arm(self, call_timer::ring_timeout, st.timeouts.ring, ++st.ring_generation);
}

void apply_batch(self_ptr self, const call_batch& b) {
  auto& st = self->state;
  ++st.batches;
  auto status_before = st.call.status;
  bool noop_tail = false;
  bool applied = false;
  std::vector<event> decided;
  for (std::size_t i = 0; i < b.signals.size(); ++i) {
    const auto& sig = b.signals[i];
    position at{b.stream_seq, i < b.indexes.size() ? b.indexes[i] : 0};
    noop_tail = false;
    if (st.call.ended() && !is_amendment(sig.kind))
      continue; // late: the router counts these
    if (st.call.already_applied(sig, at))
      continue;
    signal_context ctx{b.tenant_id, b.agent_id, b.provider,
                       at,          st.epoch,   wall_now()};
    auto events = process(st.call, sig, ctx);
    noop_tail = events.empty() && !st.call.ended();
    applied = true;
    for (auto& e : events)
      decided.push_back(std::move(e));
  }
  st.pending.push_back({b.stream_seq, st.call.seq, noop_tail});
  if (applied && !st.call.ended())
    arm(self, call_timer::inactivity, st.timeouts.inactivity, ++st.activity);
  rearm_status_timers(self, st.call.status != status_before);
  enqueue(self, std::move(decided));
  release_batches(self);
  maybe_passivate(self);
}

} // namespace

call_actor::behavior_type
call_actor_impl(call_actor::stateful_pointer<call_actor_state> self,
                call_state initial, std::uint32_t partition,
                std::uint64_t epoch, std::shared_ptr<event_sink> sink,
                call_router router, call_timeouts timeouts,
                std::shared_ptr<const partition_backlog> backlog) {
  auto& st = self->state;
  st.call = std::move(initial);
  st.partition = partition;
  st.epoch = epoch;
  st.sink = std::move(sink);
  st.router = std::move(router);
  st.timeouts = timeouts;
  st.backlog = std::move(backlog);
  st.stored_seq = st.call.seq; // a resumed call's events are stored already
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    // Nothing is lost: unacknowledged signals are delivered again to the
    // partition's next owner, which decides them again.
    if (!self->state.outbox.empty())
      spdlog::warn("call {}: stopping with {} events not stored",
                   self->state.call.call_id, self->state.outbox.size());
    self->quit(msg.reason);
  });
  if (st.call.status && !st.call.ended()) { // resumed after a takeover
    arm(self, call_timer::inactivity, st.timeouts.inactivity, ++st.activity);
    rearm_status_timers(self, true);
  }
  arm(self, call_timer::max_duration, st.timeouts.max_duration, 0);
  return {
    [self](signals_atom, const call_batch& b) { apply_batch(self, b); },
    [self](stored_atom, std::uint64_t seq, bool ok) {
      auto& st = self->state;
      if (!st.publishing || st.outbox.empty()
          || st.outbox.front().env.seq != seq)
        return;
      if (!ok) {
        // Stays `publishing`: nothing goes out before the retry. Logged
        // once per streak: an outage fails every retry of every call.
        if (st.failed_publishes++ == 0)
          spdlog::warn("call {}: event {} not stored, retrying every {} ms",
                       st.call.call_id, seq,
                       std::chrono::duration_cast<std::chrono::milliseconds>(
                         st.timeouts.publish_retry)
                         .count());
        self->delayed_send(self, st.timeouts.publish_retry, timer_atom::value,
                           retry_publish, std::uint64_t{0});
        return;
      }
      if (st.failed_publishes > 0)
        spdlog::debug("call {}: event {} stored after {} retries",
                      st.call.call_id, seq, st.failed_publishes);
      st.failed_publishes = 0;
      st.publishing = false;
      st.outbox.pop_front();
      st.stored_seq = seq;
      release_batches(self);
      publish_next(self);
      maybe_passivate(self);
    },
    [self](timer_atom, std::uint8_t timer, std::uint64_t generation) {
      auto& st = self->state;
      if (timer == retry_publish) {
        st.publishing = false; // the failed publish's slot, kept until now
        publish_next(self);
        return;
      }
      auto which = static_cast<call_timer>(timer);
      if ((which == call_timer::inactivity && generation != st.activity)
          || (which == call_timer::ring_timeout
              && generation != st.ring_generation))
        return; // superseded by later activity
      if (which == call_timer::inactivity && st.backlog
          && !st.backlog->empty(st.partition)) {
        // Signals of this partition are still queued; one may be ours. Look
        // again soon (the end is dated at the last line, not by this clock).
        arm(self, call_timer::inactivity,
            std::min(st.timeouts.inactivity,
                     caf::timespan{std::chrono::seconds(1)}),
            st.activity);
        return;
      }
      auto events = process(st.call, which, st.epoch, wall_now());
      if (events.empty())
        return;
      spdlog::debug("call {}: {} timer ended the call", st.call.call_id,
                    static_cast<int>(timer));
      enqueue(self, std::move(events));
      release_batches(self);
    },
    [self](linger_atom, std::uint64_t batches) {
      auto& st = self->state;
      if (batches != st.batches || !st.settled())
        return; // something arrived meanwhile
      self->send(st.router, idle_atom::value, st.call.call_id, st.batches,
                 st.call);
    },
  };
}

} // namespace sb::call
