#pragma once

// API keys, shared by every store: `sb_<prefix>_<secret>`, where prefix (8
// characters) and secret (32 characters) are base62 from OpenSSL's
// RAND_bytes. Stores keep the prefix, for lookup, and the SHA-256 of the
// whole key in lowercase hex; the plain key is shown once.

#include <caf/expected.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sb::db {

inline constexpr std::size_t api_key_prefix_size = 8;
inline constexpr std::size_t api_key_secret_size = 32;

/// A fresh key and what a store keeps of it.
struct generated_api_key {
  std::string plain;  ///< give to the user, then forget
  std::string prefix; ///< the 8 characters after "sb_"
  std::string hash;   ///< sha256_hex(plain)
};

/// Makes a new random key; db_errc::unavailable if OpenSSL has no entropy.
[[nodiscard]] caf::expected<generated_api_key> generate_api_key();

/// Lowercase hex SHA-256 of `text` (OpenSSL EVP).
[[nodiscard]] std::string sha256_hex(std::string_view text);

/// The prefix of a well-formed key ("sb_", 8 base62, "_", 32+ base62),
/// nullopt for anything else.
[[nodiscard]] std::optional<std::string>
parse_api_key_prefix(std::string_view plain_key);

/// True if sha256_hex(plain_key) equals `stored_hash`, compared in
/// constant time.
[[nodiscard]] bool api_key_matches(std::string_view plain_key,
                                   std::string_view stored_hash);

/// admin, viewer or ingest.
[[nodiscard]] bool valid_role(std::string_view role);

} // namespace sb::db
