#include "gateway/utf8.hpp"

#include <cstring>

namespace sb::gateway::utf8 {

namespace {

/// Length of the valid UTF-8 sequence at s[i] (i points at a byte >= 0x80),
/// or 0 if it is malformed.
std::size_t sequence_length(std::string_view s, std::size_t i) noexcept {
  auto at = [&](std::size_t k) {
    return static_cast<unsigned char>(s[k]);
  };
  auto b0 = at(i);
  std::size_t n = s.size() - i;
  auto cont = [&](std::size_t k) { return (at(i + k) & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF)
    return n >= 2 && cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (n < 3 || !cont(1) || !cont(2))
      return 0;
    auto b1 = at(i + 1);
    if (b0 == 0xE0 && b1 < 0xA0)
      return 0; // overlong
    if (b0 == 0xED && b1 >= 0xA0)
      return 0; // surrogate
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (n < 4 || !cont(1) || !cont(2) || !cont(3))
      return 0;
    auto b1 = at(i + 1);
    if (b0 == 0xF0 && b1 < 0x90)
      return 0; // overlong
    if (b0 == 0xF4 && b1 >= 0x90)
      return 0; // past U+10FFFF
    return 4;
  }
  return 0;
}

constexpr std::uint64_t high_bits = 0x8080808080808080ull;
constexpr std::uint64_t spaces = 0x2020202020202020ull;

} // namespace

byte_check check_bytes(std::string_view line) noexcept {
  byte_check result;
  const char* p = line.data();
  std::size_t n = line.size();
  std::size_t i = 0;
  while (i < n) {
    // Fast path: eight printable ASCII bytes at a time.
    if (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & high_bits) == 0 && ((w - spaces) & high_bits) == 0) {
        i += 8;
        continue;
      }
    }
    auto c = static_cast<unsigned char>(p[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t') {
        if (c == 0x1B) {
          result.has_escape = true;
        } else {
          result.problem = byte_problem::control;
          result.offset = i;
          result.byte = c;
          return result;
        }
      }
      ++i;
      continue;
    }
    auto len = sequence_length(line, i);
    if (len == 0) {
      result.problem = byte_problem::invalid_utf8;
      result.offset = i;
      result.byte = c;
      return result;
    }
    i += len;
  }
  return result;
}

bool strip_ansi(std::string_view in, std::string& out) {
  out.clear();
  std::size_t i = 0;
  while (i < in.size()) {
    auto esc = in.find('\x1b', i);
    if (esc == std::string_view::npos) {
      out.append(in.substr(i));
      break;
    }
    out.append(in.substr(i, esc - i));
    if (esc + 1 >= in.size() || in[esc + 1] != '[')
      return false;
    std::size_t j = esc + 2;
    // Parameter and intermediate bytes, then one final byte in @..~.
    while (j < in.size()) {
      auto c = static_cast<unsigned char>(in[j]);
      if (c >= 0x20 && c <= 0x3F) {
        ++j;
        continue;
      }
      break;
    }
    if (j >= in.size())
      return false;
    auto fin = static_cast<unsigned char>(in[j]);
    if (fin < 0x40 || fin > 0x7E)
      return false;
    i = j + 1;
  }
  return true;
}

void append(std::string& out, std::uint32_t cp) {
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
    cp = 0xFFFD;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string sanitize(std::string_view in, std::size_t max_bytes) {
  if (in.size() > max_bytes)
    in = in.substr(0, max_bytes);
  std::string out;
  out.reserve(in.size() + 16);
  constexpr std::string_view replacement = "\xEF\xBF\xBD";
  std::size_t i = 0;
  while (i < in.size()) {
    auto c = static_cast<unsigned char>(in[i]);
    std::string_view piece;
    std::size_t used = 1;
    if (c < 0x80) {
      piece = c < 0x20 && c != '\t' ? replacement : in.substr(i, 1);
    } else if (auto len = sequence_length(in, i); len == 0) {
      piece = replacement;
    } else {
      piece = in.substr(i, len);
      used = len;
    }
    if (out.size() + piece.size() > max_bytes)
      break; // the result stays within max_bytes, on a character boundary
    out.append(piece);
    i += used;
  }
  return out;
}

} // namespace sb::gateway::utf8
