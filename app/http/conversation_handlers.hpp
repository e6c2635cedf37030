#pragma once

// GET /v1/conversations/{id}, .../transcript, .../events (the debug
// trace) and .../audio (the recording's link): one call of the caller's
// tenant (any role); 404 if it does not exist or belongs to another tenant.

#include "http/api_context.hpp"
#include "http/reply.hpp"
#include "http/request.hpp"

#include "switchboard/db/records.hpp"

namespace sb::app::http {

[[nodiscard]] reply handle_conversation(api_context& ctx,
                                        const request_view& req);

[[nodiscard]] reply handle_transcript(api_context& ctx,
                                      const request_view& req);

[[nodiscard]] reply handle_trace(api_context& ctx, const request_view& req);

/// 404 `no_recording` when no recording was reported for the call.
[[nodiscard]] reply handle_audio(api_context& ctx, const request_view& req);

/// A session as the API shows it (times ISO 8601 or null).
[[nodiscard]] nlohmann::json conversation_json(const db::session_record& s);

/// One transcript item.
[[nodiscard]] nlohmann::json turn_json(const db::turn_record& t);

/// One debug trace item: seq, type, at, turn (null: none), data.
[[nodiscard]] nlohmann::json trace_json(const db::trace_record& t);

} // namespace sb::app::http
