#pragma once

// GET /v1/live: Server-Sent Events of the caller's tenant's live calls.
// On connect, a `snapshot` of the live calls (the live_calls table, as of
// the sessions projection's checkpoint), then every change after it
// (`call_started`, `call_state`, `utterance`, `call_ended`), each with
// its SB_EVENTS sequence as id. A reconnect with Last-Event-ID (or
// ?last_event_id=) resumes after that id; one too old to resume gets a
// `reset` and a new snapshot. A comment line every `heartbeat` seconds
// (default 15) keeps proxies from closing the connection.

#include "http/api_context.hpp"
#include "http/reply.hpp"
#include "http/request.hpp"

namespace sb::app::http {

[[nodiscard]] reply handle_live(api_context& ctx, const request_view& req);

} // namespace sb::app::http
