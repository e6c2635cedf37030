#pragma once

// The first steps of every read endpoint: who is calling (admin and viewer
// keys read; an ingest key gets 403) and the parsed query string, or the
// reply that refuses the request (401, 403, 503, 400 `invalid_query`).

#include "http/api_context.hpp"
#include "http/query.hpp"
#include "http/reply.hpp"
#include "http/request.hpp"

#include "switchboard/db/records.hpp"

#include <optional>

namespace sb::app::http {

struct read_request {
  db::principal who;
  query_params params;
  std::optional<reply> refusal; ///< set: send it, nothing else holds
};

[[nodiscard]] read_request admit_read(api_context& ctx,
                                      const request_view& req);

} // namespace sb::app::http
