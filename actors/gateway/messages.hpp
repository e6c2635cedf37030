#pragma once

// The keep list: what one record's message says, as a finding the parser
// turns into a signal (or not). Pure and allocation-free for noise.

#include "gateway/line_grammar.hpp"
#include "switchboard/events/signal.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace sb::gateway {

enum class action : std::uint8_t {
  drop,         ///< noise
  emit,         ///< one complete signal
  problem,      ///< warning / error / fatal_error: waits for a traceback
  open_text,    ///< bracketed text that continues on the next lines
  context_dump, ///< an LLM context dump to read (maybe multi-line)
  interruption, ///< an interruption, subject to de-duplication
  banner,       ///< the Pipecat version banner
};

/// Which line an interruption came from. received_frame and broadcasting
/// can describe the same interruption (see pipecat_parser.cpp).
enum class interruption_form : std::uint8_t {
  bot_interruption, ///< `Bot interruption` (≤ 0.0.80)
  received_frame,   ///< `received interruption task|worker frame [upstream]`
  broadcasting,     ///< `X#0: broadcasting interruption` (≥ 0.0.104)
};

struct finding {
  action what = action::drop;
  signal_kind kind = signal_kind::warning;
  interruption_form form = interruption_form::bot_interruption;
  std::string_view service;
  std::string_view text;   ///< views the line unless `owned` is set
  std::string_view detail;
  std::string owned;       ///< decoded text (string literals)
  bool use_owned = false;
  double value_s = 0;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t cached_tokens = 0;
  std::int64_t characters = 0;
  std::string language; ///< user text: as signal::language
  const char* reason = nullptr; ///< drop: a static reason, if known
};

/// Classifies one record (shape == record).
[[nodiscard]] finding classify(const line_header& header);

/// True for "Traceback (most recent call last):" and exception groups.
[[nodiscard]] bool is_traceback_start(std::string_view content) noexcept;

/// True for the last line of a traceback: "ValueError: boom",
/// "websockets.exceptions.ConnectionClosedError: ...", "KeyboardInterrupt".
[[nodiscard]] bool is_exception_line(std::string_view content) noexcept;

/// A human reason for a dropped record (slow: only for line reports).
[[nodiscard]] const char* noise_reason(const line_header& header) noexcept;

} // namespace sb::gateway
