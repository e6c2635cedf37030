#pragma once

// Everything a call actor knows about its call, as a pure fold over the
// call's events: `apply` is the only way it changes. A new partition owner
// rebuilds a live call by applying its events again (docs/adr/0003).

#include "switchboard/events/event.hpp"
#include "switchboard/events/signal.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sb::call {

/// Where a signal was read: SB_SIGNALS stream sequence, index in the batch.
struct position {
  std::uint64_t stream_seq = 0;
  std::uint32_t index = 0;
};

[[nodiscard]] inline bool operator<=(position a, position b) noexcept {
  return a.stream_seq < b.stream_seq
         || (a.stream_seq == b.stream_seq && a.index <= b.index);
}

/// The turn being spoken now.
struct open_turn {
  std::uint32_t number = 0; ///< 0: no turn yet
  speaker who = speaker::user;
  std::uint32_t parts = 0;
  std::string text; ///< parts joined with single spaces
  time_us first_part_at = 0;
  time_us last_part_at = 0;
  time_us speech_started_at = 0; ///< VAD edge inside the turn, 0 if none
  time_us speech_stopped_at = 0;
  bool interrupted = false;
};

/// Latency of the exchange in progress (user stopped → bot started).
struct exchange_latency {
  time_us user_stopped_at = 0;
  time_us bot_started_at = 0;
  double llm_ttfb_ms = -1;
  double tts_ttfb_ms = -1;
  double stt_ms = -1;
  bool during_interruption = false;
};

struct call_state {
  std::string tenant_id;
  std::string call_id;
  std::string agent_id;
  std::uint64_t seq = 0; ///< last event seq
  std::optional<call_status> status; ///< empty until the first event
  std::string end_reason;
  time_us started_at = 0; ///< first kept line
  time_us last_line_at = 0; ///< last kept line (signal_lost ends here)

  // Skipping what was already applied (docs/adr/0003).
  position last_position;
  time_us last_event_at = 0;
  std::vector<std::uint64_t> hashes_at_last_event;

  // Turn assembly.
  open_turn turn;
  std::string last_user_text; ///< of the latest user turn
  bool user_spoke_since_last_user_turn = false; ///< VAD start seen since

  // Speech activity.
  bool user_speaking = false;
  bool bot_speaking = false;
  time_us user_speech_started_at = 0; ///< latest VAD edges
  time_us user_speech_stopped_at = 0;
  bool interrupted_while_user_speaks = false;

  exchange_latency latency;
  /// The exchange the open agent turn answered, kept when the user stops
  /// speaking again before that turn closes (the next exchange starts then);
  /// reported when the turn closes.
  std::optional<exchange_latency> answered_latency;

  // What decides the end reason.
  bool fatal_seen = false;
  bool idle_seen = false;

  [[nodiscard]] bool ended() const noexcept {
    return status && is_terminal(*status);
  }

  /// True if this signal was applied already (redelivery or re-ingest).
  [[nodiscard]] bool already_applied(const signal& s, position at) const;

  /// Folds one event of this call into the state.
  void apply(const event& e);
};

} // namespace sb::call
