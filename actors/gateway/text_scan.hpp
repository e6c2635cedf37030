#pragma once

// Tiny allocation-free scanning helpers over std::string_view, shared by the
// line grammar and the message classifier. Everything here is inline: these
// run on every line of a log.

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace sb::gateway::scan {

[[nodiscard]] constexpr bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

[[nodiscard]] constexpr bool is_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

[[nodiscard]] constexpr bool is_upper(char c) noexcept {
  return c >= 'A' && c <= 'Z';
}

[[nodiscard]] constexpr bool is_ident(char c) noexcept {
  return is_alpha(c) || is_digit(c) || c == '_';
}

[[nodiscard]] constexpr bool is_hex(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

[[nodiscard]] constexpr bool starts_with(std::string_view s,
                                         std::string_view p) noexcept {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}

[[nodiscard]] constexpr bool ends_with(std::string_view s,
                                       std::string_view p) noexcept {
  return s.size() >= p.size()
         && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

[[nodiscard]] inline bool contains(std::string_view s,
                                   std::string_view p) noexcept {
  return s.find(p) != std::string_view::npos;
}

/// Removes `p` from the front of `s` if it is there.
constexpr bool consume(std::string_view& s, std::string_view p) noexcept {
  if (!starts_with(s, p))
    return false;
  s.remove_prefix(p.size());
  return true;
}

[[nodiscard]] constexpr std::string_view
trim_left(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  return s;
}

[[nodiscard]] constexpr std::string_view
trim_right(std::string_view s) noexcept {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

[[nodiscard]] constexpr std::string_view trim(std::string_view s) noexcept {
  return trim_right(trim_left(s));
}

/// Reads a non-negative integer at the front of `s`; false if none.
[[nodiscard]] inline bool read_int(std::string_view& s,
                                   std::int64_t& out) noexcept {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{} || ptr == s.data())
    return false;
  s.remove_prefix(static_cast<std::size_t>(ptr - s.data()));
  return true;
}

/// Reads a decimal number at the front of `s` (no locale); false if none.
[[nodiscard]] inline bool read_double(std::string_view& s,
                                      double& out) noexcept {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out,
                                   std::chars_format::general);
  if (ec != std::errc{} || ptr == s.data())
    return false;
  s.remove_prefix(static_cast<std::size_t>(ptr - s.data()));
  return true;
}

/// A Twilio CallSid: "CA" followed by 32 hex digits.
[[nodiscard]] inline bool is_call_sid(std::string_view s) noexcept {
  if (s.size() != 34 || s[0] != 'C' || s[1] != 'A')
    return false;
  for (std::size_t i = 2; i < s.size(); ++i)
    if (!is_hex(s[i]))
      return false;
  return true;
}

/// A UUID in its 8-4-4-4-12 text form.
[[nodiscard]] inline bool is_uuid(std::string_view s) noexcept {
  if (s.size() != 36)
    return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-')
        return false;
    } else if (!is_hex(s[i])) {
      return false;
    }
  }
  return true;
}

/// Splits a leading processor name with an instance counter, e.g.
/// "OpenAILLMService#0: rest" or "CartesiaTTSService#0 rest", into the name
/// and the rest. Returns an empty name if the message does not start so.
[[nodiscard]] inline std::string_view
split_processor(std::string_view msg, std::string_view& rest) noexcept {
  std::size_t i = 0;
  if (msg.empty() || !(is_alpha(msg[0]) || msg[0] == '_'))
    return {};
  while (i < msg.size() && is_ident(msg[i]))
    ++i;
  if (i >= msg.size() || msg[i] != '#')
    return {};
  std::size_t j = i + 1;
  while (j < msg.size() && is_digit(msg[j]))
    ++j;
  if (j == i + 1)
    return {};
  auto name = msg.substr(0, j);
  auto tail = msg.substr(j);
  if (tail.empty()) {
    rest = tail;
    return name;
  }
  if (tail[0] == ':') {
    tail.remove_prefix(1);
  } else if (tail[0] != ' ') {
    return {};
  }
  rest = trim_left(tail);
  return name;
}

} // namespace sb::gateway::scan
