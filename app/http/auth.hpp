#pragma once

// Who is calling: `Authorization: Bearer <key>` checked against the store
// (through the auth_cache), and what their role may do.

#include "http/api_context.hpp"
#include "http/reply.hpp"

#include "switchboard/db/records.hpp"

#include <optional>
#include <string_view>

namespace sb::app::http {

/// The caller, or the reply to send instead (401, 503).
struct auth_result {
  std::optional<db::principal> who;
  reply failure;
};

/// Checks the Authorization header's value.
[[nodiscard]] auth_result authenticate(api_context& ctx,
                                       std::string_view authorization);

/// The key of `Bearer <key>` (scheme case-insensitive), or empty.
[[nodiscard]] std::string_view bearer_key(std::string_view authorization);

/// Whether the role may ingest: admin and ingest (viewers only read).
[[nodiscard]] bool may_ingest(const db::principal& who);

/// Whether the role may read conversations and analytics: admin and
/// viewer (an ingest key only writes).
[[nodiscard]] bool may_read(const db::principal& who);

/// Whether the role may see the node's internals (projections): admin.
[[nodiscard]] bool is_admin(const db::principal& who);

/// 403 `forbidden`: what the caller's role may not do.
[[nodiscard]] reply forbidden(const db::principal& who,
                              std::string_view what);

} // namespace sb::app::http
