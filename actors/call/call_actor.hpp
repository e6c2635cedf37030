#pragma once

// The call actor: one per live call. It applies its call's signals through
// the pipeline (call_pipeline.hpp), publishes the resulting events one at a
// time and in order, tells the router when a batch's events are stored (so
// the signals can be acknowledged), runs the call's timers, and passivates
// after the end.

#include "actors.hpp"
#include "call/event_sink.hpp"
#include "call/front_queue.hpp"
#include "call/partition_backlog.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

namespace sb::call {

struct call_timeouts {
  caf::timespan inactivity = std::chrono::minutes(5);
  caf::timespan max_duration = std::chrono::hours(4);
  caf::timespan ring = std::chrono::seconds(60);
  caf::timespan linger = std::chrono::seconds(5); ///< after the end
  caf::timespan publish_retry = std::chrono::seconds(1);
};

struct call_actor_state {
  static inline const char* name = "call";

  /// A batch whose signals are acknowledged once `required_seq` is stored
  /// (and, if its last signal changed nothing, once a later event is).
  struct pending_batch {
    std::uint64_t stream_seq = 0;
    std::uint64_t required_seq = 0;
    bool noop_tail = false;
  };

  call_state call;
  std::uint32_t partition = 0;
  std::uint64_t epoch = 0;
  std::shared_ptr<event_sink> sink;
  call_router router;
  call_timeouts timeouts;
  std::shared_ptr<const partition_backlog> backlog; ///< null: not tracked

  // Vectors, not deques: an empty libstdc++ deque already holds ~600 B,
  // and most actors are idle with both queues empty (≤ 4 KiB per idle call
  // actor, BENCHMARKS.md). They hold a batch's few events at a time.
  front_queue<event> outbox; ///< decided, not yet stored; front in flight
  bool publishing = false;
  std::uint32_t failed_publishes = 0; ///< in a row, for the log
  std::uint64_t stored_seq = 0;
  front_queue<pending_batch> pending;
  std::uint64_t batches = 0;          ///< batches received
  std::uint64_t activity = 0;         ///< bumps with every applied signal
  std::uint64_t ring_generation = 0;  ///< bumps when the status changes

  /// True once every batch is acknowledged and every event stored.
  [[nodiscard]] bool settled() const noexcept {
    return outbox.empty() && !publishing && pending.empty();
  }
};

/// Spawn with `spawn(call_actor_impl, initial_state, partition, epoch, sink,
/// router, timeouts, backlog)`; `initial_state` is empty for a new call or
/// rebuilt from the event log for a resumed one.
call_actor::behavior_type
call_actor_impl(call_actor::stateful_pointer<call_actor_state> self,
                call_state initial, std::uint32_t partition,
                std::uint64_t epoch, std::shared_ptr<event_sink> sink,
                call_router router, call_timeouts timeouts,
                std::shared_ptr<const partition_backlog> backlog);

} // namespace sb::call
