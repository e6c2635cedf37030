#include "gateway/context_dump.hpp"

#include "gateway/text_scan.hpp"
#include "gateway/utf8.hpp"

#include <nlohmann/json.hpp>

namespace sb::gateway {

namespace {

using nlohmann::json;
using namespace scan;

constexpr int max_depth = 128;

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

bool read_hex(std::string_view s, std::size_t at, std::size_t n,
              std::uint32_t& out) noexcept {
  if (at + n > s.size())
    return false;
  std::uint32_t v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    int h = hex_value(s[i]);
    if (h < 0)
      return false;
    v = v * 16 + static_cast<std::uint32_t>(h);
  }
  out = v;
  return true;
}

/// A tolerant reader of Python literals and JSON into nlohmann::json.
/// Unknown objects (`<x at 0x..>`, `Name(k=v, ...)`) become strings or
/// objects so that one odd value does not lose the whole dump.
class literal_reader {
public:
  explicit literal_reader(std::string_view s) : s_(s) {
  }

  bool value(json& out, int depth) {
    if (depth > max_depth)
      return false;
    skip_ws();
    if (i_ >= s_.size())
      return false;
    char c = s_[i_];
    switch (c) {
      case '[':
        return sequence(out, ']', depth);
      case '(':
        return sequence(out, ')', depth);
      case '{':
        return mapping(out, depth);
      case '\'':
      case '"': {
        std::string str;
        if (!string(str))
          return false;
        out = std::move(str);
        return true;
      }
      case '<':
        return angle(out);
      default:
        break;
    }
    if (is_digit(c) || c == '-' || c == '+' || c == '.')
      return number(out);
    if (is_alpha(c) || c == '_')
      return word(out, depth);
    return false;
  }

  bool at_end() {
    skip_ws();
    return i_ >= s_.size();
  }

  bool string(std::string& out) {
    auto rest = s_.substr(i_);
    auto before = rest.size();
    if (!read_string_literal(rest, out))
      return false;
    i_ += before - rest.size();
    return true;
  }

private:
  void skip_ws() {
    while (i_ < s_.size()
           && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n'
               || s_[i_] == '\r'))
      ++i_;
  }

  bool sequence(json& out, char close, int depth) {
    ++i_; // opening bracket
    out = json::array();
    for (;;) {
      skip_ws();
      if (i_ >= s_.size())
        return false;
      if (s_[i_] == close) {
        ++i_;
        return true;
      }
      json item;
      if (!value(item, depth + 1))
        return false;
      out.push_back(std::move(item));
      skip_ws();
      if (i_ >= s_.size())
        return false;
      if (s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (s_[i_] == close) {
        ++i_;
        return true;
      }
      return false;
    }
  }

  bool mapping(json& out, int depth) {
    ++i_; // '{'
    out = json::object();
    for (;;) {
      skip_ws();
      if (i_ >= s_.size())
        return false;
      if (s_[i_] == '}') {
        ++i_;
        return true;
      }
      json key;
      if (!value(key, depth + 1))
        return false;
      skip_ws();
      if (i_ >= s_.size() || s_[i_] != ':')
        return false;
      ++i_;
      json item;
      if (!value(item, depth + 1))
        return false;
      out[key.is_string() ? key.get<std::string>() : key.dump()] =
        std::move(item);
      skip_ws();
      if (i_ >= s_.size())
        return false;
      if (s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (s_[i_] == '}') {
        ++i_;
        return true;
      }
      return false;
    }
  }

  bool number(json& out) {
    auto start = i_;
    while (i_ < s_.size()
           && (is_digit(s_[i_]) || s_[i_] == '-' || s_[i_] == '+'
               || s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E'
               || s_[i_] == '_' || s_[i_] == 'j'))
      ++i_;
    auto text = s_.substr(start, i_ - start);
    double d = 0;
    if (!read_double(text, d)) {
      out = std::string{s_.substr(start, i_ - start)};
      return true;
    }
    out = d;
    return true;
  }

  bool angle(json& out) {
    // `<pipecat.x object at 0x7f..>`: skip to the matching '>'.
    auto start = i_;
    int depth = 0;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '<') {
        ++depth;
      } else if (c == '>') {
        if (--depth == 0) {
          ++i_;
          out = std::string{s_.substr(start, i_ - start)};
          return true;
        }
      } else if (c == '\'' || c == '"') {
        std::string ignored;
        if (!string(ignored))
          return false;
        continue;
      }
      ++i_;
    }
    return false;
  }

  bool word(json& out, int depth) {
    auto start = i_;
    while (i_ < s_.size() && (is_ident(s_[i_]) || s_[i_] == '.'))
      ++i_;
    auto w = s_.substr(start, i_ - start);
    // String prefixes: b'..', r'..', u'..', rb'..'.
    if (w.size() <= 2 && i_ < s_.size() && (s_[i_] == '\'' || s_[i_] == '"')
        && w.find_first_not_of("bBrRuU") == std::string_view::npos) {
      std::string str;
      if (!string(str))
        return false;
      out = std::move(str);
      return true;
    }
    if (w == "True" || w == "true") {
      out = true;
    } else if (w == "False" || w == "false") {
      out = false;
    } else if (w == "None" || w == "null" || w == "nan" || w == "inf"
               || w == "NaN" || w == "Infinity") {
      out = nullptr;
    } else if (i_ < s_.size() && s_[i_] == '(') {
      // `Name(k=v, ...)`, e.g. a pydantic or dataclass repr.
      ++i_;
      out = json::object();
      out["__type__"] = std::string{w};
      std::size_t n = 0;
      for (;;) {
        skip_ws();
        if (i_ >= s_.size())
          return false;
        if (s_[i_] == ')') {
          ++i_;
          break;
        }
        std::string key;
        auto save = i_;
        while (i_ < s_.size() && is_ident(s_[i_]))
          ++i_;
        if (i_ > save && i_ < s_.size() && s_[i_] == '='
            && (i_ + 1 >= s_.size() || s_[i_ + 1] != '=')) {
          key.assign(s_.substr(save, i_ - save));
          ++i_;
        } else {
          i_ = save;
          key = std::to_string(n);
        }
        json item;
        if (!value(item, depth + 1))
          return false;
        out[key] = std::move(item);
        ++n;
        skip_ws();
        if (i_ < s_.size() && s_[i_] == ',')
          ++i_;
      }
    } else {
      out = std::string{w}; // NOT_GIVEN and friends
    }
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

void collect_text(const json& parts, std::string& out) {
  if (parts.is_string()) {
    if (!out.empty())
      out.push_back(' ');
    out += parts.get<std::string>();
    return;
  }
  if (!parts.is_array())
    return;
  for (const auto& part : parts) {
    if (part.is_string()) {
      collect_text(part, out);
      continue;
    }
    if (!part.is_object())
      continue;
    auto text = part.find("text");
    if (text == part.end() || !text->is_string())
      continue;
    auto type = part.find("type");
    if (type != part.end() && !(type->is_string() && *type == "text"))
      continue;
    collect_text(*text, out);
  }
}

dump_result interpret(json v) {
  dump_result r;
  // "Generating chat [[...]]": the list printed inside brackets.
  if (v.is_array() && v.size() == 1 && v[0].is_array())
    v = std::move(v[0]);
  if (!v.is_array())
    return r;
  r.outcome = dump_outcome::not_user;
  if (v.empty() || !v.back().is_object())
    return r;
  const auto& last = v.back();
  auto role = last.find("role");
  if (role == last.end() || !role->is_string() || *role != "user")
    return r;
  std::string text;
  if (auto c = last.find("content"); c != last.end())
    collect_text(*c, text);
  else if (auto p = last.find("parts"); p != last.end())
    collect_text(*p, text);
  auto t = trim(text);
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r'))
    t.remove_suffix(1);
  while (!t.empty() && (t.front() == '\n' || t.front() == '\r'))
    t.remove_prefix(1);
  if (t.empty())
    return r;
  r.outcome = dump_outcome::user_text;
  r.text.assign(t);
  return r;
}

bool try_parse(std::string_view s, json& out) {
  literal_reader reader{s};
  if (!reader.value(out, 0))
    return false;
  return reader.at_end();
}

} // namespace

bool read_string_literal(std::string_view& s, std::string& out) {
  if (s.empty() || (s[0] != '\'' && s[0] != '"'))
    return false;
  char quote = s[0];
  out.clear();
  std::size_t i = 1;
  while (i < s.size()) {
    char c = s[i];
    if (c == quote) {
      s.remove_prefix(i + 1);
      return true;
    }
    if (c != '\\') {
      auto next = s.find_first_of(quote == '\'' ? "'\\" : "\"\\", i);
      if (next == std::string_view::npos)
        return false;
      out.append(s.substr(i, next - i));
      i = next;
      continue;
    }
    if (i + 1 >= s.size())
      return false;
    char e = s[i + 1];
    i += 2;
    std::uint32_t cp = 0;
    switch (e) {
      case '\\': out.push_back('\\'); break;
      case '\'': out.push_back('\''); break;
      case '"': out.push_back('"'); break;
      case '/': out.push_back('/'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'v': out.push_back('\v'); break;
      case 'a': out.push_back('\a'); break;
      case '0': out.push_back('\0'); break;
      case '\n': break; // line continuation
      case 'x':
        if (!read_hex(s, i, 2, cp))
          return false;
        i += 2;
        utf8::append(out, cp);
        break;
      case 'u':
        if (!read_hex(s, i, 4, cp))
          return false;
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          std::uint32_t low = 0;
          if (i + 6 <= s.size() && s[i] == '\\' && s[i + 1] == 'u'
              && read_hex(s, i + 2, 4, low) && low >= 0xDC00
              && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          }
        }
        utf8::append(out, cp);
        break;
      case 'U':
        if (!read_hex(s, i, 8, cp))
          return false;
        i += 8;
        utf8::append(out, cp);
        break;
      default:
        // Python keeps unknown escapes as written.
        out.push_back('\\');
        out.push_back(e);
        break;
    }
  }
  return false;
}

dump_result last_user_message(std::string_view dump) {
  auto open = dump.find('[');
  if (open == std::string_view::npos)
    return {};
  auto body = dump.substr(open);
  json v;
  if (try_parse(body, v))
    return interpret(std::move(v));
  // Gemini: "[system instruction] | [messages]"; the instruction is raw text.
  std::size_t from = 0;
  for (;;) {
    auto bar = body.find(" | [", from);
    if (bar == std::string_view::npos)
      break;
    v = json{};
    if (try_parse(body.substr(bar + 3), v))
      return interpret(std::move(v));
    from = bar + 1;
  }
  return {};
}

} // namespace sb::gateway
