#pragma once

// The call pipeline: what a signal means for its call, as domain events.
// Pure and deterministic — `decide` reads the state and never changes it;
// `process` stamps the events and applies them. The call actor adds only
// timers, publishing and passivation around it.

#include "call/call_state.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sb::call {

/// The most bytes of text one event field carries (an utterance, tool
/// arguments or result, a problem message, a recording URL), and the most a
/// turn gathers from its parts. A longer text is cut on a character
/// boundary and ends with " [truncated from N bytes]"; a turn that reaches
/// the limit ends with " [truncated: the turn is longer than 256 KiB]" and
/// its later parts are dropped. So every event fits one NATS message (1 MiB
/// by default) whatever the signal held, and a turn's text stays well
/// under PostgreSQL's 1 MB tsvector limit (turns_search_idx). README "Limits".
inline constexpr std::size_t max_text_bytes = 256 * 1024;

/// The same for names: services, tool names, end reasons, languages,
/// campaign, caller and callee.
inline constexpr std::size_t max_name_bytes = 1024;

/// Texts cut and turn parts dropped by the limits above, by every call of
/// this process since it started (for metrics; the events say it too).
struct text_cut_counts {
  std::uint64_t texts_cut = 0;
  std::uint64_t parts_dropped = 0;
};

[[nodiscard]] text_cut_counts text_cuts() noexcept;

/// Who the events come from and where the signal was read.
struct signal_context {
  std::string tenant_id;
  std::string agent_id;
  std::string provider; ///< the batch's source: pipecat, events, ...
  position at;
  std::uint64_t epoch = 0;
  time_us now = 0; ///< wall time, for recorded_at
};

enum class call_timer : std::uint8_t {
  inactivity,   ///< no signal for the inactivity timeout: signal_lost
  max_duration, ///< the call ran too long: max_duration
  ring_timeout, ///< nobody answered: missed / no_answer
};

/// The events a signal causes, in order; empty if it changes nothing.
/// Signals for an ended call cause nothing except post-call amendments.
[[nodiscard]] std::vector<event_payload>
decide(const call_state& st, const signal& s, const signal_context& ctx);

/// The events a timer causes; empty if it no longer applies.
[[nodiscard]] std::vector<event_payload> decide(const call_state& st,
                                                call_timer timer);

/// True for signals still accepted once the call has ended.
[[nodiscard]] bool is_amendment(signal_kind kind) noexcept;

/// Decides, stamps envelopes (seq, epoch, source) and applies the events to
/// `st`. Returns them for publishing.
std::vector<event> process(call_state& st, const signal& s,
                           const signal_context& ctx);

/// The same for a timer; events are dated at the call's last kept line.
std::vector<event> process(call_state& st, call_timer timer,
                           std::uint64_t epoch, time_us now);

} // namespace sb::call
