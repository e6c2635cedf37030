#include "switchboard/db/api_keys.hpp"

#include "switchboard/db/errors.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>

namespace sb::db {

namespace {

constexpr std::string_view base62
  = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

bool is_base62(char c) {
  return base62.find(c) != std::string_view::npos;
}

/// `n` uniform base62 characters; false if RAND_bytes fails.
bool random_base62(std::size_t n, std::string& out) {
  std::array<unsigned char, 64> buf;
  while (n > 0) {
    if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1)
      return false;
    for (auto byte : buf) {
      // 248 = 4 * 62: rejecting larger bytes keeps the choice unbiased.
      if (n == 0 || byte >= 248)
        continue;
      out += base62[byte % 62];
      --n;
    }
  }
  return true;
}

} // namespace

caf::expected<generated_api_key> generate_api_key() {
  generated_api_key key;
  std::string secret;
  if (!random_base62(api_key_prefix_size, key.prefix)
      || !random_base62(api_key_secret_size, secret))
    return make_error(db_errc::unavailable, "RAND_bytes failed");
  key.plain = "sb_" + key.prefix + "_" + secret;
  key.hash = sha256_hex(key.plain);
  return key;
}

std::string sha256_hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest;
  unsigned int size = 0;
  // EVP_Digest only fails on allocation failure; an empty result then
  // matches no stored hash.
  if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(),
                 nullptr)
      != 1)
    return {};
  static constexpr char hex[] = "0123456789abcdef";
  std::string result;
  result.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    result += hex[digest[i] >> 4];
    result += hex[digest[i] & 0x0f];
  }
  return result;
}

std::optional<std::string> parse_api_key_prefix(std::string_view plain_key) {
  constexpr std::size_t secret_at = 3 + api_key_prefix_size + 1;
  if (plain_key.size() < secret_at + api_key_secret_size
      || plain_key.substr(0, 3) != "sb_" || plain_key[secret_at - 1] != '_')
    return std::nullopt;
  auto prefix = plain_key.substr(3, api_key_prefix_size);
  for (auto c : prefix)
    if (!is_base62(c))
      return std::nullopt;
  for (auto c : plain_key.substr(secret_at))
    if (!is_base62(c))
      return std::nullopt;
  return std::string{prefix};
}

bool api_key_matches(std::string_view plain_key, std::string_view stored_hash) {
  auto actual = sha256_hex(plain_key);
  if (actual.empty() || actual.size() != stored_hash.size())
    return false;
  return CRYPTO_memcmp(actual.data(), stored_hash.data(), actual.size()) == 0;
}

bool valid_role(std::string_view role) {
  return role == "admin" || role == "viewer" || role == "ingest";
}

} // namespace sb::db
