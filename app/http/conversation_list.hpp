#pragma once

// GET /v1/conversations: the caller's tenant's calls, filtered and sorted,
// a page at a time with an opaque keyset cursor (stable while new calls
// arrive: under the default order, newest first, a new call lands before
// the first page, never inside the walk). README "API" lists the
// parameters; every bad value is a 400 naming the parameter.

#include "http/api_context.hpp"
#include "http/param_reader.hpp"
#include "http/reply.hpp"
#include "http/request.hpp"

#include "switchboard/db/conversation_query.hpp"

#include <optional>
#include <string>

namespace sb::app::http {

[[nodiscard]] reply handle_conversation_list(api_context& ctx,
                                             const request_view& req);

/// The list's filters, read (and removed) from `params`; a bad value
/// leaves its 400 in `reader.failure()`. Shared by the list, the export
/// and the analytics endpoints (which take the same filters).
[[nodiscard]] db::conversation_filter
read_conversation_filter(param_reader& reader);

/// The transcript search `q` ("" if not given); one without a word is a
/// 400.
[[nodiscard]] std::string read_search(param_reader& reader);

/// The filter written one fixed way (lists sorted, every field present),
/// so that the same filters in another order or spelling compare equal:
/// what page cursors and cached analytics answers are keyed on.
[[nodiscard]] nlohmann::json canonical_filter(const db::conversation_filter& f);

} // namespace sb::app::http
