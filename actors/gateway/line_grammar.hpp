#pragma once

// The header of one raw log line: which logger wrote it, when, at what
// level, for which call, and where the message starts. Covers the loguru
// default format, Pipecat Cloud's session slot, custom ISO/CallSid sinks,
// stdlib logging, uvicorn/gunicorn, and syslog/journald/docker prefixes.
// No allocation: every field views the line.

#include <cstdint>
#include <string_view>

namespace sb::gateway {

enum class log_level : std::uint8_t {
  unknown,
  trace,
  debug,
  info,
  success,
  warning,
  error,
  critical,
};

enum class log_origin : std::uint8_t {
  pipecat,     ///< loguru default format, a `pipecat.*` module
  app,         ///< loguru default format, another module (the bot's code)
  custom_sink, ///< a Pipecat log in a custom format without module part
  foreign,     ///< stdlib logging, uvicorn, gunicorn, SDKs
};

enum class line_shape : std::uint8_t {
  record,       ///< starts a log record
  continuation, ///< no header: belongs to the previous record
  truncated,    ///< a valid timestamp, then no parseable header
};

struct line_header {
  line_shape shape = line_shape::continuation;
  bool has_time = false;
  std::int64_t at_us = 0;
  log_level level = log_level::unknown;
  log_origin origin = log_origin::foreign;
  bool access_log = false;      ///< an uvicorn/gunicorn access line
  std::string_view module;      ///< loguru module or stdlib logger name
  std::string_view call_id;     ///< the call the line names, if any
  bool call_id_is_sid = false;  ///< call_id came from a CallSid field
  std::string_view message;     ///< record: message; continuation: content
  const char* why = nullptr;    ///< truncated: what is missing
};

/// Parses the header of `line` (no newline, no ANSI codes).
[[nodiscard]] line_header parse_line(std::string_view line) noexcept;

/// Level names of loguru and stdlib logging, any case; unknown otherwise.
[[nodiscard]] log_level level_from_name(std::string_view name) noexcept;

} // namespace sb::gateway
