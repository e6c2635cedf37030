#pragma once

// GET /v1/conversations/{id} and GET /v1/conversations/{id}/transcript:
// one call of the caller's tenant (any role); 404 if it does not exist or
// belongs to another tenant.

#include "http/api_context.hpp"
#include "http/reply.hpp"
#include "http/request.hpp"

#include "switchboard/db/records.hpp"

namespace sb::app::http {

[[nodiscard]] reply handle_conversation(api_context& ctx,
                                        const request_view& req);

[[nodiscard]] reply handle_transcript(api_context& ctx,
                                      const request_view& req);

/// A session as the API shows it (times ISO 8601 or null).
[[nodiscard]] nlohmann::json conversation_json(const db::session_record& s);

/// One transcript item.
[[nodiscard]] nlohmann::json turn_json(const db::turn_record& t);

} // namespace sb::app::http
