#pragma once

// GET /v1/conversations/export?format=csv|ndjson: every call the list's
// filters (and `q`) select, newest first, streamed in chunks as it is read
// (keyset pages of 1,000 rows), so the node's memory does not grow with
// the number of rows. A failure mid-way cuts the transfer off (no last
// chunk): the client never mistakes a partial export for a whole one.

#include "http/api_context.hpp"
#include "http/reply.hpp"
#include "http/request.hpp"

#include "switchboard/db/records.hpp"

#include <string>

namespace sb::app::http {

[[nodiscard]] reply handle_conversation_export(api_context& ctx,
                                               const request_view& req);

/// The CSV header line and one session's line (RFC 4180; a text that a
/// spreadsheet would run as a formula is prefixed with ').
[[nodiscard]] const std::string& csv_header();
void append_csv_row(std::string& out, const db::session_record& s);

} // namespace sb::app::http
