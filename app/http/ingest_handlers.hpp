#pragma once

// POST /v1/ingest/pipecat and POST /v1/ingest/events: authenticate (admin
// keys only), validate the query, hand the body to the ingest service and
// answer 202 with its report. Nothing is stored when the answer is not 202.

#include "http/api_context.hpp"
#include "http/reply.hpp"
#include "http/request.hpp"

#include <string_view>

namespace sb::app::http {

/// Body: a raw Pipecat log, passed on byte for byte. Query: agent_id
/// (required), call_id (optional).
[[nodiscard]] reply handle_ingest_pipecat(api_context& ctx,
                                          const request_view& req);

/// Body: a JSON array of neutral events (gateway/neutral_events.hpp), all
/// or nothing. Query: agent_id (required).
[[nodiscard]] reply handle_ingest_events(api_context& ctx,
                                         const request_view& req);

/// Whether `id` matches `^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$`.
[[nodiscard]] bool valid_agent_id(std::string_view id) noexcept;

} // namespace sb::app::http
