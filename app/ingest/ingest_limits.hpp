#pragma once

// How large what ingest stores may be. One rule, from the NATS server's
// `max_payload` down (README "Limits"):
//
// - A message (a signal batch, a dead letter) holds at most max_payload
//   less `header_room` bytes, the rest is for its headers.
// - A line may be as long as a message less `signal_room`, so that every
//   line the gateway reads fits one message as a signal. Longer lines are
//   dead-lettered ("line too long").
// - A signal that does not fit one message all the same (a neutral event's
//   text, a multi-line record) is dead-lettered as `too_large`.
// - A dead letter keeps at most `dead_letter_raw_bytes` of what it stands
//   for and records its full size, so it always fits a message.
//
// With nats-server's default max_payload of 1 MiB: messages up to
// 1,044,480 bytes, lines up to 1,040,384 bytes (1 MiB less 8 KiB).

#include <cstddef>
#include <cstdint>

namespace sb::app {

/// nats-server's default max_payload, assumed when no server was asked
/// (`switchboard ingest --dry-run`) or it said nothing.
inline constexpr std::int64_t default_max_payload = 1 << 20;

/// The MaxMsgSize of SB_SIGNALS and SB_EVENTS (events/jetstream.cpp): a
/// server that takes larger messages still stores none larger in them.
inline constexpr std::int64_t stream_max_message_bytes = 8 << 20;

/// Kept free in every message for its NATS headers (Nats-Msg-Id, ...).
inline constexpr std::size_t header_room = 4096;

/// Kept free next to a line's own bytes in its signal's encoding: the
/// batch's tenant, agent and source, the call id, the fixed-size fields.
inline constexpr std::size_t signal_room = 4096;

/// What a dead letter keeps of the line or signal it stands for.
inline constexpr std::size_t dead_letter_raw_bytes = 4096;

/// Signals per message at most, whatever their size: a call actor gets one
/// message's signals of a call as one batch.
inline constexpr std::size_t max_signals_per_message = 2000;

struct ingest_limits {
  std::size_t message_bytes = 0; ///< an encoded signal batch or dead letter
  std::size_t line_bytes = 0;    ///< the longest line the gateway reads
};

/// The limits for a server's max_payload (<= 0: unknown, the default).
[[nodiscard]] constexpr ingest_limits
limits_for(std::int64_t max_payload) noexcept {
  if (max_payload <= 0)
    max_payload = default_max_payload;
  if (max_payload > stream_max_message_bytes)
    max_payload = stream_max_message_bytes;
  // A server configured below 16 KiB keeps a quarter for each room.
  auto payload = static_cast<std::size_t>(max_payload);
  auto room = [payload](std::size_t r) {
    return r < payload / 4 ? r : payload / 4;
  };
  ingest_limits out;
  out.message_bytes = payload - room(header_room);
  out.line_bytes = out.message_bytes - room(signal_room);
  return out;
}

} // namespace sb::app
