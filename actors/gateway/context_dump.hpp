#pragma once

// Reads the LLM context dump Pipecat logs before each LLM request
// ("Generating chat ..."), in every version's form: JSON (≤ 0.0.80, also
// wrapped in brackets), Python repr (single quotes; double quotes around
// strings holding an apostrophe; backslash escapes), and Gemini's
// "[system instruction] | [messages]". Only the last message matters.

#include <cstdint>
#include <string>
#include <string_view>

namespace sb::gateway {

enum class dump_outcome : std::uint8_t {
  user_text,   ///< the last message is the user's: text holds its content
  not_user,    ///< parsed; the last message is not a user message with text
  unparseable, ///< not a complete list of messages (cut, or continues)
};

struct dump_result {
  dump_outcome outcome = dump_outcome::unparseable;
  std::string text;
};

/// `dump` is the message text after "Generating chat" (e.g. ": [...]",
/// " [[...]]", " from universal context [...]", " from context [sys] | [...]").
[[nodiscard]] dump_result last_user_message(std::string_view dump);

/// Reads a Python or JSON string literal at the front of `s` (quote first,
/// escapes decoded to UTF-8), advancing `s` past it. False if malformed.
[[nodiscard]] bool read_string_literal(std::string_view& s, std::string& out);

} // namespace sb::gateway
