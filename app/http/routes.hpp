#pragma once

// The route table, free of the HTTP library: which handler answers a method
// and path, on which lane (worker pool) it runs, and the answers when none
// does (400 invalid_path, 404 not_found, 405 method_not_allowed + Allow).

#include "http/api_context.hpp"
#include "http/reply.hpp"
#include "http/request.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace sb::app::http {

using handler_fn = reply (*)(api_context&, const request_view&);

/// Where a handler runs. Each lane has its own threads and its own bound,
/// so blocked ingest publishes never delay reads or health checks.
enum class lane {
  control, ///< GET /healthz: one thread, never waits behind the others
  read,    ///< PostgreSQL reads: `api_config::threads` threads
  ingest,  ///< JetStream publishes: `api_config::ingest_threads` threads
};

struct route_match {
  handler_fn handler = nullptr; ///< null when `refusal` is the answer
  lane where = lane::read;
  std::string id; ///< the {id} segment, percent-decoded
  /// 400 invalid_path, 404 or 405; answered without running a handler.
  std::optional<reply> refusal;
};

/// Matches `path` (without the query, still percent-encoded) and `method`.
/// Segments are percent-decoded ('+' stays '+'); a bad escape, or a control
/// character in a decoded segment, is 400 invalid_path. Static segments
/// compare ASCII case-insensitively and one trailing '/' is ignored, as the
/// RESTinio router did.
[[nodiscard]] route_match match_route(std::string_view method,
                                      std::string_view path);

/// Percent-decodes one path segment; nullopt on a bad escape.
[[nodiscard]] std::optional<std::string>
decode_path_segment(std::string_view raw);

/// 404 `not_found` for `method path`.
[[nodiscard]] reply no_route(std::string_view method, std::string_view path);

} // namespace sb::app::http
