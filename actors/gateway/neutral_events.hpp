#pragma once

// Provider-neutral call events (POST /v1/ingest/events): a JSON array of
// objects in, one signal per object out. All or nothing: one bad item fails
// the whole document, so a request is never half-ingested.
//
// Item fields (unknown fields are ignored, for forward compatibility; a
// known field with the wrong type is an error; `null` counts as absent):
//
// - `call_id`: string, 1..128 bytes, no control characters. Required.
// - `type`: string, see below. Required.
// - `at`: required; an ISO 8601 / RFC 3339 string with `Z` or an offset
//   (`2025-10-06T01:44:09.485Z`, `2025-10-06T03:44:09+02:00`), or a number
//   of milliseconds since the Unix epoch (may be fractional). After 1970,
//   before the year 10000.
// - `reason`: string, <= 128 bytes: `detail` of hungup, failed, declined,
//   missed (an end reason: user_hangup, busy, no_answer, ...).
// - `url`: string: `detail` of recording_ready, where it is required.
// - `direction` (inbound, outbound or web), `from`, `to`, `campaign`,
//   `language`: strings, packed into `detail` of answered and queued.
// - `detail`: string: `detail` of every other type (e.g. the arguments of
//   a function_call).
// - `text`, `service`: strings, copied.
// - `value_s`: number >= 0; `prompt_tokens`, `completion_tokens`,
//   `characters`: integers >= 0; copied.
//
// Types: queued, ringing, answered, declined, missed, hungup, failed,
// recording_ready map to signal_kind::call_queued ... recording_ready; every
// name sb::from_string knows ("user_text", "bot_text", "call_hungup", ...)
// is accepted too, so later adapters can send turns and metrics.
//
// Packed detail for answered and queued: a compact JSON object holding the
// given ones of direction, from, to, campaign, language, keys sorted, e.g.
// `{"campaign":"spring","direction":"outbound","to":"+4930123"}`; empty if
// none is given. Fields that do not apply to an item's type are ignored.

#include "switchboard/events/signal.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sb::gateway {

/// `bad_index` when the document itself is bad (not JSON, not an array).
inline constexpr std::size_t no_index = static_cast<std::size_t>(-1);

/// Parses a JSON array of neutral events. On success appends one signal per
/// item to `out` (in array order, `line` = 1-based item index) and returns
/// true. On failure leaves `out` unchanged, sets `error` to a message and
/// `bad_index` to the 0-based index of the first bad item, or to no_index if
/// the document is not valid JSON or not an array.
[[nodiscard]] bool parse_neutral_events(std::string_view json,
                                        std::vector<signal>& out,
                                        std::string& error,
                                        std::size_t& bad_index);

/// Parses an ISO 8601 / RFC 3339 date-time with a zone designator (`Z` or
/// `±HH:MM`, `±HHMM`, `±HH`): `YYYY-MM-DD[T| ]HH:MM[:SS[.fraction]]`. The
/// fraction is cut to microseconds. False if malformed or without a zone.
[[nodiscard]] bool parse_iso8601_us(std::string_view text, std::int64_t& out);

/// The signal kind of a neutral `type` name; false if unknown.
[[nodiscard]] bool neutral_kind(const std::string& type, signal_kind& out);

} // namespace sb::gateway
