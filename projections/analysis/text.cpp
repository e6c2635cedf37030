#include "switchboard/analysis/text.hpp"

#include <cstdint>

namespace sb::analysis {

namespace {

/// One decoded code point; `valid` is false for a stray or cut byte, which
/// then counts as one byte of punctuation.
struct code_point {
  std::uint32_t value = 0;
  std::size_t size = 1;
  bool valid = false;
};

code_point decode(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) {
    return static_cast<unsigned char>(text[k]);
  };
  auto c = byte(i);
  if (c < 0x80)
    return {c, 1, true};
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return {c, 1, false};
  }
  if (i + n > text.size())
    return {c, 1, false};
  for (std::size_t k = 1; k < n; ++k) {
    auto cc = byte(i + k);
    if ((cc & 0xC0) != 0x80)
      return {c, 1, false};
    cp = (cp << 6) | (cc & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8:
  // decoding them would let folding rewrite bytes it should keep.
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))
      || (cp >= 0xD800 && cp <= 0xDFFF))
    return {c, 1, false};
  return {cp, n, true};
}

void encode(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// Lowercase of a Latin-1 or Latin Extended-A letter; others unchanged.
std::uint32_t lower(std::uint32_t cp) {
  if (cp >= 'A' && cp <= 'Z')
    return cp + 0x20;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
    return cp + 0x20;
  if (cp < 0x100 || cp > 0x17F)
    return cp;
  if (cp == 0x130) // İ: the dot goes, as in every language but Turkish.
    return 'i';
  if (cp == 0x178) // Ÿ
    return 0xFF;
  // Pairs start on an even code point except in Ĺ..ň and Ź..ž.
  bool odd_upper = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
  bool paired = (cp <= 0x137 && cp != 0x131) || (cp >= 0x139 && cp <= 0x148)
                || (cp >= 0x14A && cp <= 0x177) || (cp >= 0x179 && cp <= 0x17E);
  if (!paired)
    return cp;
  bool is_upper = odd_upper ? (cp % 2 == 1) : (cp % 2 == 0);
  return is_upper ? cp + 1 : cp;
}

/// Letters and digits of any script, and combining marks (so that a word
/// written in decomposed form stays one word); punctuation, symbols,
/// spaces and emoji are not.
bool is_word_char(std::uint32_t cp) {
  if (cp < 0x80)
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z')
           || (cp >= 'A' && cp <= 'Z');
  if (cp < 0xC0)
    return cp == 0xAA || cp == 0xB5 || cp == 0xBA; // ª µ º
  if (cp == 0xD7 || cp == 0xF7)                    // × ÷
    return false;
  if (cp < 0x2000) {
    switch (cp) {
    case 0x37E: // Greek question mark
    case 0x387:
    case 0x589: // Armenian full stop
    case 0x60C: // Arabic comma, semicolon, question mark, full stop
    case 0x61B:
    case 0x61F:
    case 0x6D4:
    case 0x964: // Devanagari danda
    case 0x965:
      return false;
    default:
      return true;
    }
  }
  if (cp < 0x2C00) // punctuation, symbols, arrows, math, dingbats
    return false;
  if (cp < 0x2E00)
    return true;
  if (cp < 0x2E80) // supplemental punctuation
    return false;
  if (cp < 0x3000)
    return true;
  if (cp < 0x3040) // CJK punctuation
    return false;
  if (cp < 0xD800)
    return true;
  if (cp < 0xF900) // surrogates, private use
    return false;
  if (cp < 0xFE00)
    return true;
  if (cp < 0xFE70) // variation selectors, vertical and small forms
    return false;
  if (cp < 0xFF00)
    return cp != 0xFEFF;
  if (cp < 0xFFF0) // fullwidth forms: letters and digits only
    return (cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A)
           || (cp >= 0xFF41 && cp <= 0xFF5A) || (cp >= 0xFF66 && cp <= 0xFFDC);
  if (cp < 0x10000)
    return false;
  if (cp >= 0x1F000 && cp < 0x1FB00) // emoji and pictographs
    return false;
  return cp < 0xE0000;
}

bool is_apostrophe(std::uint32_t cp) {
  return cp == '\'' || cp == 0x2019;
}

bool is_hyphen(std::uint32_t cp) {
  return cp == '-' || cp == 0x2010 || cp == 0x2011;
}

/// Characters that end a clause for n-grams.
bool is_clause_break(std::uint32_t cp) {
  switch (cp) {
  case '.':
  case ',':
  case '!':
  case '?':
  case ';':
  case ':':
  case '(':
  case ')':
  case '"':
  case '\n':
  case 0xA1:   // ¡
  case 0xBF:   // ¿
  case 0x2013: // – —
  case 0x2014:
  case 0x2026: // …
  case 0x3002: // 。
    return true;
  default:
    return false;
  }
}

} // namespace

std::string fold_ascii(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c + 0x20);
  return out;
}

std::string fold_case(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    auto cp = decode(text, i);
    auto folded = cp.valid ? lower(cp.value) : cp.value;
    if (cp.valid && folded != cp.value)
      encode(out, folded);
    else
      out.append(text.substr(i, cp.size)); // as written, byte for byte
    i += cp.size;
  }
  return out;
}

std::string primary_language(std::string_view tag) {
  std::string out;
  for (char c : tag) {
    if (c == '-' || c == '_')
      break;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 0x20) : c;
  }
  return out;
}

std::string_view truncate_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes)
    return text;
  auto end = max_bytes;
  // Back up over continuation bytes to the start of the cut sequence.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;
  return text.substr(0, end);
}

std::string_view trim(std::string_view text) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
           || c == '\v';
  };
  while (!text.empty() && space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && space(text.back()))
    text.remove_suffix(1);
  return text;
}

std::vector<std::string> words_of(std::string_view text,
                                  tokenize_options options) {
  std::vector<std::string> out;
  std::string word;
  std::size_t letters_in_word = 0; // since the word's last apostrophe
  bool broke = true;               // a break was just emitted (or start)
  auto finish = [&] {
    if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
      broke = false;
    }
    letters_in_word = 0;
  };
  for (std::size_t i = 0; i < text.size();) {
    auto cp = decode(text, i);
    if (cp.valid && is_word_char(cp.value)) {
      word.append(text.substr(i, cp.size));
      ++letters_in_word;
      i += cp.size;
      continue;
    }
    if (cp.valid && is_apostrophe(cp.value) && !word.empty()
        && i + cp.size < text.size()) {
      auto next = decode(text, i + cp.size);
      if (next.valid && is_word_char(next.value)) {
        word += '\'';
        if (options.split_elision && letters_in_word <= 2 && word.size() <= 3) {
          finish();
        }
        letters_in_word = 0;
        i += cp.size;
        continue;
      }
    }
    if (options.join_hyphens && cp.valid && is_hyphen(cp.value) && !word.empty()
        && i + cp.size < text.size()) {
      auto next = decode(text, i + cp.size);
      if (next.valid && is_word_char(next.value)) {
        word += '-';
        letters_in_word = 0;
        i += cp.size;
        continue;
      }
    }
    finish();
    if (options.clause_breaks && cp.valid && is_clause_break(cp.value)
        && !broke) {
      out.emplace_back();
      broke = true;
    }
    i += cp.size;
  }
  finish();
  if (options.clause_breaks && !out.empty() && out.back().empty())
    out.pop_back();
  return out;
}

bool contains_words(const std::vector<std::string>& words,
                    const std::vector<std::string>& needle) {
  if (needle.empty() || needle.size() > words.size())
    return false;
  for (std::size_t i = 0; i + needle.size() <= words.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && words[i + k] == needle[k])
      ++k;
    if (k == needle.size())
      return true;
  }
  return false;
}

bool starts_with_words(const std::vector<std::string>& words,
                       const std::vector<std::string>& needle) {
  if (needle.empty() || needle.size() > words.size())
    return false;
  for (std::size_t k = 0; k < needle.size(); ++k)
    if (words[k] != needle[k])
      return false;
  return true;
}

bool is_number(std::string_view word) {
  if (word.empty())
    return false;
  for (char c : word)
    if (c < '0' || c > '9')
      return false;
  return true;
}

} // namespace sb::analysis
