#pragma once

// What a handler answers: a status, a JSON body and extra headers. The
// server adds `Content-Type: application/json` to every reply.

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace sb::app::http {

struct reply {
  int status = 200;
  nlohmann::json body = nlohmann::json::object();
  /// A body already serialized (a cached answer): sent instead of `body`.
  std::shared_ptr<const std::string> serialized;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// `{"error":{"code":..., "message":..., ...extra}}`: `extra`, if an
/// object, adds fields to the error object (e.g. "index", "parameter").
[[nodiscard]] reply error_reply(int status, std::string code,
                                std::string message,
                                nlohmann::json extra = nullptr);

/// Serializes a body; invalid UTF-8 (e.g. echoed from a parser message) is
/// replaced by U+FFFD, so the answer is always valid JSON.
[[nodiscard]] std::string to_body(const nlohmann::json& body);

/// "OK", "Not Found", ... for the status codes the API uses.
[[nodiscard]] const char* reason_phrase(int status) noexcept;

} // namespace sb::app::http
