#pragma once

// The catalogue of Switchboard's actors: every atom, every message type
// that crosses an actor boundary, and the typed interfaces. One line per
// handler says what it is for. Messages never leave the process, so CAF
// 0.17 needs no type registration: the unsafe-type markers at the bottom
// let them through and state that they are never serialized.

#include "call/call_state.hpp"
#include "switchboard/events/partition_consumer.hpp"
#include "switchboard/events/signal.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sb {

// -- atoms (≤ 10 characters, CAF 0.17) ---------------------------------------

using signals_atom = caf::atom_constant<caf::atom("signals")>;
using done_atom = caf::atom_constant<caf::atom("done")>;
using stored_atom = caf::atom_constant<caf::atom("stored")>;
using timer_atom = caf::atom_constant<caf::atom("timer")>;
using idle_atom = caf::atom_constant<caf::atom("idle")>;
using linger_atom = caf::atom_constant<caf::atom("linger")>;
using rehydrate_atom = caf::atom_constant<caf::atom("rehydrate")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using drop_atom = caf::atom_constant<caf::atom("drop")>;
using lookup_atom = caf::atom_constant<caf::atom("lookup")>;

// -- messages ----------------------------------------------------------------

/// One call's signals from one SB_SIGNALS message, in order.
struct call_batch {
  std::string tenant_id;
  std::string agent_id;
  std::string provider;
  std::uint64_t stream_seq = 0;
  std::vector<std::uint32_t> indexes; ///< each signal's index in the message
  std::vector<signal> signals;
};

/// One delivered SB_SIGNALS message, decoded off the actor threads.
struct partition_delivery {
  std::uint32_t partition = 0;
  signal_delivery delivery;
  signal_batch batch;
};

/// What a new partition owner rebuilt from the event log.
struct rehydrated_partition {
  std::uint32_t partition = 0;
  std::uint64_t epoch = 0;
  std::vector<call::call_state> live;  ///< calls to resume
  std::vector<call::call_state> ended; ///< calls that only take amendments
};

/// Counters a router reports (for /healthz and tests).
struct router_stats {
  std::uint64_t live_calls = 0;
  std::uint64_t ended_calls = 0;
  std::uint64_t signals = 0;
  std::uint64_t late_signals = 0;     ///< for ended calls, dropped
  std::uint64_t pending_messages = 0; ///< delivered, not yet acknowledged
  std::uint64_t awaiting_lookup = 0;  ///< calls waiting for ended_calls
};

// -- interfaces --------------------------------------------------------------

/// One call: applies its signals, publishes its events, ends, passivates.
using call_actor = caf::typed_actor<
  /// Apply a batch; answers the router with done_atom once stored.
  caf::reacts_to<signals_atom, call_batch>,
  /// The event with this seq is stored (true) or failed (false).
  caf::reacts_to<stored_atom, std::uint64_t, bool>,
  /// A timer fired: call_timer value and the generation it was armed in.
  caf::reacts_to<timer_atom, std::uint8_t, std::uint64_t>,
  /// The linger after the end passed: ask the router to let go.
  caf::reacts_to<linger_atom, std::uint64_t>>;

/// Tells which calls ended long ago: those the router does not hold, whose
/// events all precede the partition's rehydration (so the projection has
/// them). Answers the trimmed state of each ended one; calls it does not
/// answer for are new.
using ended_calls = caf::typed_actor<
  /// Look these call ids up.
  caf::replies_to<lookup_atom, std::vector<std::string>>::with<
    std::vector<call::call_state>>>;

/// Owns the calls of the node's partitions and acknowledges signals.
using call_router = caf::typed_actor<
  /// A delivered signal message to dispatch to its calls.
  caf::reacts_to<signals_atom, partition_delivery>,
  /// A partition's calls, rebuilt from the event log, to resume.
  caf::reacts_to<rehydrate_atom, rehydrated_partition>,
  /// A call stored the events of its part of this message.
  caf::reacts_to<done_atom, std::string, std::uint64_t>,
  /// A call ended and has been quiet: its state and batches seen.
  caf::reacts_to<idle_atom, std::string, std::uint64_t, call::call_state>,
  /// Ask ended_calls about these unknown call ids again (it failed).
  caf::reacts_to<lookup_atom, std::vector<std::string>>,
  /// Let go of a partition: stop its calls, forget its unacknowledged
  /// messages (the next owner gets them again); true once done.
  caf::replies_to<drop_atom, std::uint32_t>::with<bool>,
  /// Current counters.
  caf::replies_to<stats_atom>::with<router_stats>>;

} // namespace sb

// Local-only messages: never serialized, so no inspect() needed.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::call_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::partition_delivery)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::rehydrated_partition)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::router_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::call::call_state)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<sb::call::call_state>)
