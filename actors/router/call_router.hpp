#pragma once

// The call router: owns the calls of this node's partitions. It spawns a
// call actor per call id, hands each its part of every signal message, and
// acknowledges a message once every call in it has stored its events. Ended
// calls are remembered (small) so that late signals are dropped and
// re-ingested logs change nothing; calls it has never seen are first looked
// up in `ended_calls` (the projection's sessions), because rehydration reads
// only from the oldest live call and so does not see calls that ended long
// ago (docs/adr/0002).

#include "actors.hpp"
#include "call/call_actor.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <memory>
#include <unordered_map>

namespace sb::router {

struct call_router_state {
  static inline const char* name = "call_router";

  struct pending_message {
    signal_delivery delivery;
    std::uint32_t partition = 0;
    std::size_t waiting = 0; ///< calls that have not stored their part yet
  };

  std::shared_ptr<call::event_sink> sink;
  call::call_timeouts timeouts;
  std::shared_ptr<call::partition_backlog> backlog;
  std::uint32_t partition_count = 0;
  sb::ended_calls lookup; ///< may be null: then unknown calls are new
  std::unordered_map<std::uint32_t, std::uint64_t> epochs; ///< owned
  std::unordered_map<std::string, call_actor> live;
  std::unordered_map<std::string, std::uint64_t> batches_sent;
  std::unordered_map<std::string, call::call_state> ended; ///< trimmed
  /// Batches of calls being looked up, in arrival order.
  std::unordered_map<std::string, std::vector<call_batch>> awaiting;
  std::unordered_map<std::uint64_t, pending_message> pending; ///< by seq
  router_stats stats;
};

sb::call_router::behavior_type
call_router_impl(sb::call_router::stateful_pointer<call_router_state> self,
                 std::shared_ptr<call::event_sink> sink,
                 call::call_timeouts timeouts, std::uint32_t partition_count,
                 std::shared_ptr<call::partition_backlog> backlog,
                 sb::ended_calls lookup);

} // namespace sb::router
