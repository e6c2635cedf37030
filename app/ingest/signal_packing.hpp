#pragma once

// One partition's signals as SB_SIGNALS messages, split by bytes: each
// message encodes to at most the limit of ingest_limits.hpp, and a signal
// that cannot fit one message on its own is set aside (it is dead-lettered
// as too_large, never retried). Pure: no I/O.

#include "switchboard/events/signal.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace sb::app {

/// The bytes `s` adds to an encoded signal_batch (events/codec.cpp).
[[nodiscard]] std::size_t encoded_size(const signal& s) noexcept;

/// The bytes of an encoded signal_batch, signals included.
[[nodiscard]] std::size_t encoded_size(const signal_batch& b) noexcept;

struct oversized_signal {
  signal sig;
  std::size_t bytes = 0; ///< its encoding alone, as a batch of one
};

struct packed_signals {
  std::vector<std::string> messages;       ///< encoded batches, in order
  std::vector<oversized_signal> too_large; ///< each alone over the limit
};

/// Packs `signals` (one partition's, in order) into messages of at most
/// `message_bytes` bytes and `max_signals` signals each, greedily, so the
/// split is the same for the same input (retries are deduplicated by
/// content). The signals keep their order across messages.
[[nodiscard]] packed_signals
pack_signals(const std::string& tenant_id, const std::string& agent_id,
             const std::string& source, std::vector<signal> signals,
             std::size_t message_bytes, std::size_t max_signals);

} // namespace sb::app
