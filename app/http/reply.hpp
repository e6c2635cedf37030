#pragma once

// What a handler answers: a status, a JSON body and extra headers, or a
// body produced while it is sent (an export, an event stream).

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace sb::app::http {

/// Where a streamed body goes, chunk by chunk (HTTP/1.1 chunked encoding).
class chunk_sink {
public:
  virtual ~chunk_sink() = default;

  /// Queues `chunk` for the client, waiting while too much is queued (a
  /// slow client slows the producer; memory stays bounded). False once
  /// the client is gone or the server stops: stop producing.
  virtual bool write(std::string chunk) = 0;

  /// Whether the client may still read (false: stop producing).
  [[nodiscard]] virtual bool open() const = 0;
};

/// Produces a streamed body on a thread of its own; true if the body is
/// complete, false to cut it off (the client sees the transfer fail).
using body_producer = std::function<bool(chunk_sink&)>;

struct reply {
  int status = 200;
  nlohmann::json body = nlohmann::json::object();
  /// A body already serialized (a cached answer): sent instead of `body`.
  std::shared_ptr<const std::string> serialized;
  std::string content_type = "application/json";
  /// Set: the body is streamed by this instead (status and headers first).
  body_producer stream;
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
