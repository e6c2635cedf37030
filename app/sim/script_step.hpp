#pragma once

// One line a call script wrote, with what it means for the ground truth:
// the writer (call_script.cpp) records the fact and the numbers it printed
// beside the line, and the fold (truth_fold.cpp) turns them into the truth.

#include "sim/call_truth.hpp"

#include <cstdint>
#include <string>

namespace sb::sim {

/// What a written line means for the ground truth.
enum class fact : std::uint8_t {
  kept,         ///< a signal with no effect on the truth
  not_kept,     ///< written, but yields no signal (e.g. a tool-result dump)
  bot_text,     ///< a bot sentence
  user_text,    ///< a transcription
  context_user, ///< a context dump ending with a new user message
  user_started, ///< "User started speaking"
  user_stopped,
  bot_started, ///< "Bot started speaking"
  bot_stopped,
  interruption,
  ttfb,      ///< a TTFB metric: `kind`, `ms`
  usage,     ///< a usage line: `service`, `usage`
  tool_call, ///< "Calling function ..."
  error,     ///< a handled ERROR line (not fatal)
  fatal,
  idle,
  end_finished,
  end_cancelled,
};

struct step {
  std::int64_t at = 0;
  fact what = fact::kept;
  std::string line;
  std::string text; ///< the utterance of bot_text, user_text, context_user
  int continuation_lines = 0;
  std::string service; ///< usage: the service as logged ("X#0")
  service_usage usage; ///< usage: the numbers printed
  service_kind kind = service_kind::llm; ///< ttfb
  double ms = 0;                         ///< ttfb, as printed
};

} // namespace sb::sim
