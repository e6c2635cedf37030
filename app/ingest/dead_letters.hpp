#pragma once

// What SB_DEADLETTER holds: one JSON object per line or signal that could
// not be stored, with its reason. A record always fits one message: it
// keeps at most dead_letter_raw_bytes of the original (ingest_limits.hpp)
// and says how large the original was. Pure: no I/O.

#include "switchboard/events/signal.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace sb::app {

struct dead_letter_record {
  std::string source; ///< "pipecat", "events"
  std::string tenant_id;
  std::string agent_id;
  std::uint32_t line = 0; ///< 1-based line, or item index for events
  std::string reason;
  std::string raw;             ///< the start of the original, valid UTF-8
  std::uint64_t raw_bytes = 0; ///< the original's full size
  std::int64_t received_at_us = 0;
};

/// The record for a signal too large for one message even alone: reason
/// `too_large: ...`, raw = the start of the signal as a JSON line.
[[nodiscard]] dead_letter_record too_large_letter(const signal& s,
                                                  std::size_t encoded_bytes,
                                                  std::size_t message_bytes);

/// The record as JSON of at most `max_bytes` bytes: `raw` is cut shorter
/// (on a character boundary) when the whole would not fit.
[[nodiscard]] std::string to_json(const dead_letter_record& record,
                                  std::size_t max_bytes);

} // namespace sb::app
