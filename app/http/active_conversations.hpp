#pragma once

// GET /v1/conversations/active: the caller's tenant's live calls (from
// live_calls, which the sessions projection keeps), newest first, with
// their count: `{"items":[...],"count":N}`. `limit` (1 to 1000, default
// 200) caps the items, never the count.

#include "http/api_context.hpp"
#include "http/reply.hpp"
#include "http/request.hpp"

#include "switchboard/db/records.hpp"

namespace sb::app::http {

[[nodiscard]] reply handle_active_conversations(api_context& ctx,
                                                const request_view& req);

/// A live call as the API shows it (also in /v1/live's snapshot).
[[nodiscard]] nlohmann::json live_call_json(const db::live_call_record& c);

} // namespace sb::app::http
