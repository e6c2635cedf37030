#pragma once

// The gateway's Pipecat parser: raw log lines in, normalized signals out.
// Stateless across requests; within one request it remembers only what
// multi-line records and call-id attribution need. See PIPECAT_LOGS.md.

#include "switchboard/events/signal.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sb::gateway {

struct parse_options {
  /// The request's `call_id` query parameter, if any: the call of every line
  /// that names none itself.
  std::string request_call_id;
  /// Used for lines that name no call when there is no request_call_id;
  /// the caller generates it (a UUID) and returns it to the client.
  std::string generated_call_id;
  /// Lines longer than this are dead-lettered, not parsed. The ingest
  /// service sets it from the NATS server's max_payload so that every line
  /// read fits one message as a signal (app/ingest/ingest_limits.hpp); this
  /// default is that value for nats-server's default of 1 MiB.
  std::size_t max_line_bytes = (1 << 20) - 8 * 1024;
};

/// Why a line was not kept, or what it became.
enum class verdict : std::uint8_t {
  kept,          ///< became one or more signals
  dropped,       ///< noise (frame traffic, WebRTC, uvicorn, ...)
  continuation,  ///< part of the previous record (traceback, wrapped line)
  dead_lettered, ///< unparseable: invalid UTF-8, binary, too long, truncated
};

struct line_report {
  std::uint32_t line = 0; ///< 1-based
  verdict what = verdict::dropped;
  std::string reason; ///< e.g. "noise: frame traffic", "invalid UTF-8"
};

struct dead_letter {
  std::uint32_t line = 0;
  std::string reason;
  std::string raw; ///< the line, cut to 4 KiB, invalid bytes replaced
  std::size_t raw_bytes = 0; ///< the whole line's size
};

struct parse_totals {
  std::uint64_t lines = 0; ///< every line, continuations included
  std::uint64_t kept = 0;
  std::uint64_t dropped = 0; ///< noise and continuations
  std::uint64_t dead_lettered = 0;
};

/// Feeds one request's lines, in order.
class pipecat_parser {
public:
  explicit pipecat_parser(parse_options options);
  ~pipecat_parser();
  pipecat_parser(pipecat_parser&&) noexcept;
  pipecat_parser& operator=(pipecat_parser&&) noexcept;

  /// Parses one line (without its newline; a trailing '\r' is ignored).
  /// Appends the signals it yields to `out`, with call_id and line set.
  /// If `report` is not null, says what became of the line.
  void feed(std::string_view line, std::vector<signal>& out,
            line_report* report = nullptr);

  /// Ends the request: flushes a pending multi-line record.
  void finish(std::vector<signal>& out);

  [[nodiscard]] const parse_totals& totals() const noexcept;

  /// Dead letters collected so far (moved out by the caller as it likes).
  [[nodiscard]] std::vector<dead_letter>& dead_letters() noexcept;

  /// True once some line was attributed to options.generated_call_id.
  [[nodiscard]] bool used_generated_call_id() const noexcept;

private:
  struct impl;
  impl* impl_;
};

/// Convenience: splits a whole body on '\n' and feeds every line.
struct parse_result {
  std::vector<signal> signals; ///< in log order
  parse_totals totals;
  std::vector<dead_letter> dead_letters;
  bool used_generated_call_id = false;
};

[[nodiscard]] parse_result parse_pipecat(std::string_view body,
                                         const parse_options& options);

/// One signal as a JSON object (for `ingest --dry-run --print`).
[[nodiscard]] std::string to_json_line(const signal& s);

} // namespace sb::gateway
