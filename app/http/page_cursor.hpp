#pragma once

// Opaque keyset cursors for list endpoints. A cursor names where the last
// page ended (its last row's sort value and key) and which request it
// continues (a fingerprint of the filters and the order), and is signed
// with HMAC-SHA256 under a secret the nodes share (table api_secrets): a
// cursor that was edited, cut, or made for other filters is refused with a
// 400, never read as something else.
//
// Form: base64url(JSON) "." base64url(first 16 bytes of the HMAC).

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace sb::app::http {

/// Signs `position` (any JSON) for the request fingerprinted `request_id`.
[[nodiscard]] std::string encode_cursor(const nlohmann::json& position,
                                        std::string_view request_id,
                                        std::string_view secret);

/// Why a cursor was refused.
enum class cursor_fault { malformed, tampered, other_request };

/// The position a cursor of `encode_cursor` holds, or why not.
struct decoded_cursor {
  std::optional<nlohmann::json> position;
  cursor_fault fault = cursor_fault::malformed;
};

[[nodiscard]] decoded_cursor decode_cursor(std::string_view cursor,
                                           std::string_view request_id,
                                           std::string_view secret);

/// Hex SHA-256 of `canonical` (the request's filters and order, written
/// in one fixed way), short enough to travel in every cursor.
[[nodiscard]] std::string request_fingerprint(std::string_view canonical);

/// base64url without padding (RFC 4648 §5), and back (nullopt if not).
[[nodiscard]] std::string base64url_encode(std::string_view bytes);
[[nodiscard]] std::optional<std::string>
base64url_decode(std::string_view text);

} // namespace sb::app::http
