#pragma once

// Byte-level hygiene of raw log lines: binary and invalid UTF-8 detection,
// ANSI colour stripping, and a sanitized copy for dead letters.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sb::gateway::utf8 {

enum class byte_problem : std::uint8_t {
  none,
  control,      ///< NUL or another C0 control other than tab (binary)
  invalid_utf8, ///< a malformed, overlong or surrogate sequence
};

struct byte_check {
  byte_problem problem = byte_problem::none;
  std::size_t offset = 0; ///< of the first bad byte
  unsigned char byte = 0; ///< the first bad byte
  bool has_escape = false; ///< saw ESC (maybe ANSI colours, see strip_ansi)
};

/// One pass over the line. ESC is not a problem by itself: it is reported in
/// has_escape so the caller can strip colour sequences first.
[[nodiscard]] byte_check check_bytes(std::string_view line) noexcept;

/// Copies `in` to `out` without ANSI CSI sequences (ESC '[' ... final byte),
/// as loguru writes them with colorize=True. False if an ESC starts anything
/// else (then the line is binary).
[[nodiscard]] bool strip_ansi(std::string_view in, std::string& out);

/// A copy of at most `max_bytes` of `in` that is valid, printable UTF-8:
/// malformed sequences and C0 controls other than tab become U+FFFD.
[[nodiscard]] std::string sanitize(std::string_view in, std::size_t max_bytes);

/// Appends the UTF-8 encoding of `cp` (U+FFFD for surrogates and values past
/// U+10FFFF).
void append(std::string& out, std::uint32_t cp);

} // namespace sb::gateway::utf8
