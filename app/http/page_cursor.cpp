#include "http/page_cursor.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

namespace sb::app::http {

namespace {

constexpr std::string_view alphabet
  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Bytes of the MAC a cursor carries: 128 bits.
constexpr std::size_t mac_bytes = 16;

std::string mac_of(std::string_view payload, std::string_view request_id,
                   std::string_view secret) {
  // The request id is part of the signed text, so a cursor cannot be moved
  // to another request even by someone who edits both.
  std::string text{request_id};
  text += '\n';
  text += payload;
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(),
       md.data(), &size);
  return std::string(reinterpret_cast<const char*>(md.data()),
                     std::min<std::size_t>(size, mac_bytes));
}

} // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += alphabet[(acc >> bits) & 0x3f];
    }
  }
  if (bits > 0)
    out += alphabet[(acc << (6 - bits)) & 0x3f];
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    auto at = alphabet.find(c);
    if (at == std::string_view::npos)
      return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(at);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // A length of 1 mod 4 cannot come from any byte string, and the unused
  // low bits of the last character must be zero (one encoding per value).
  if (text.size() % 4 == 1 || (acc & ((1u << bits) - 1)) != 0)
    return std::nullopt;
  return out;
}

std::string request_fingerprint(std::string_view canonical) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int size = 0;
  EVP_Digest(canonical.data(), canonical.size(), md.data(), &size,
             EVP_sha256(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < std::min(size, 8u); ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 0xf];
  }
  return out;
}

std::string encode_cursor(const nlohmann::json& position,
                          std::string_view request_id,
                          std::string_view secret) {
  nlohmann::json signed_part{{"r", request_id}, {"p", position}};
  auto payload = base64url_encode(signed_part.dump());
  return payload + "." + base64url_encode(mac_of(payload, request_id, secret));
}

decoded_cursor decode_cursor(std::string_view cursor,
                             std::string_view request_id,
                             std::string_view secret) {
  decoded_cursor out;
  auto dot = cursor.find('.');
  if (dot == std::string_view::npos)
    return out;
  auto payload = cursor.substr(0, dot);
  auto mac = base64url_decode(cursor.substr(dot + 1));
  auto json_text = base64url_decode(payload);
  if (!mac || !json_text || mac->size() != mac_bytes)
    return out;
  auto want = mac_of(payload, request_id, secret);
  auto parsed = nlohmann::json::parse(*json_text, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("p") || !parsed.contains("r")
      || !parsed["r"].is_string())
    return out;
  if (CRYPTO_memcmp(want.data(), mac->data(), mac_bytes) != 0) {
    // The payload names the request it was made for: a cursor reused with
    // other filters says so; any other mismatch is an edited cursor.
    out.fault = parsed["r"].get<std::string>() != request_id
                  ? cursor_fault::other_request
                  : cursor_fault::tampered;
    return out;
  }
  out.position = std::move(parsed["p"]);
  return out;
}

} // namespace sb::app::http
