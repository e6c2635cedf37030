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

/// Whether the role may ingest (admin only; viewers read).
[[nodiscard]] bool may_ingest(const db::principal& who);

} // namespace sb::app::http
