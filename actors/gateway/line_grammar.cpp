#include "gateway/line_grammar.hpp"

#include "gateway/text_scan.hpp"
#include "gateway/timestamp.hpp"

namespace sb::gateway {

namespace {

using namespace scan;

enum class attempt : std::uint8_t {
  record,    ///< header parsed
  truncated, ///< started with a timestamp, header broken
  prefix,    ///< a transport timestamp, `rest` holds the remainder
  none,      ///< not a record start
};

bool eq_nocase(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'a' && x <= 'z')
      x = static_cast<char>(x - 'a' + 'A');
    if (x != b[i])
      return false;
  }
  return true;
}

bool is_module_char(char c) noexcept {
  return is_ident(c) || c == '.' || c == '<' || c == '>' || c == '-';
}

bool is_function_char(char c) noexcept {
  return is_ident(c) || c == '<' || c == '>';
}

void set_origin_from_module(line_header& h) noexcept {
  h.origin = starts_with(h.module, "pipecat") ? log_origin::pipecat
                                              : log_origin::app;
}

void sink_fields(std::string_view rest, line_header& h) noexcept;

/// A bound id in Pipecat Cloud's slot; loguru prints unset extras as None.
bool usable_slot(std::string_view slot) noexcept {
  return !slot.empty() && slot.size() <= 128
         && slot.find(' ') == std::string_view::npos && slot != "None"
         && slot != "null" && slot != "-";
}

/// `LEVEL | module:function:line - message` (the part after the first
/// " | "), or `LEVEL | module:function:line | <session> - message`.
bool loguru_tail(std::string_view t, line_header& h) noexcept {
  std::size_t i = 0;
  while (i < t.size() && is_alpha(t[i]))
    ++i;
  if (i == 0) {
    h.why = "no level after the timestamp";
    return false;
  }
  if (i == t.size()) {
    h.why = "line ends inside the level";
    return false;
  }
  h.level = level_from_name(t.substr(0, i));
  if (h.level == log_level::unknown)
    h.level = log_level::info; // a custom loguru level
  std::size_t j = i;
  while (j < t.size() && t[j] == ' ')
    ++j;
  if (j >= t.size() || t[j] != '|') {
    h.why = "no '|' after the level";
    return false;
  }
  ++j;
  if (j < t.size() && t[j] == ' ')
    ++j;
  auto tail = t.substr(j);
  // module:function:line
  std::size_t a = 0;
  while (a < tail.size() && is_module_char(tail[a]))
    ++a;
  auto custom = [&] {
    // A custom format without module part; it may carry id fields.
    h.origin = log_origin::custom_sink;
    sink_fields(tail, h);
    return true;
  };
  if (a == tail.size()) {
    if (a > 0 && (contains(tail, ".") || contains(tail, ":"))) {
      h.why = "line ends inside module:function:line";
      return false;
    }
    if (a == 0) {
      h.why = "no message after the level";
      return false;
    }
    return custom();
  }
  if (a == 0 || tail[a] != ':')
    return custom();
  std::size_t b = a + 1;
  while (b < tail.size() && is_function_char(tail[b]))
    ++b;
  if (b == tail.size()) {
    h.why = "line ends inside module:function:line";
    return false;
  }
  if (tail[b] != ':' || b == a + 1)
    return custom();
  std::size_t c = b + 1;
  while (c < tail.size() && is_digit(tail[c]))
    ++c;
  if (c == b + 1) {
    if (c == tail.size()) {
      h.why = "line ends inside module:function:line";
      return false;
    }
    return custom();
  }
  h.module = tail.substr(0, a);
  set_origin_from_module(h);
  auto after = tail.substr(c);
  if (consume(after, " - ")) {
    h.message = after;
    // "[call_sid=CA..] message" or "CA.. - message" in the bot's own lines.
    if (!after.empty() && (after[0] == '[' || after[0] == 'C'))
      sink_fields(after, h);
    return true;
  }
  if (after == " -") {
    h.message = {};
    return true;
  }
  if (consume(after, " | ")) {
    // Pipecat Cloud: the session id bound between location and message.
    auto sep = after.find(" - ");
    std::string_view slot;
    if (sep != std::string_view::npos) {
      slot = trim(after.substr(0, sep));
      h.message = after.substr(sep + 3);
    } else if (ends_with(after, " -")) {
      slot = trim(after.substr(0, after.size() - 2));
      h.message = {};
    } else {
      h.why = "no ' - ' after the session id";
      return false;
    }
    if (usable_slot(slot)) {
      h.call_id = slot;
      h.call_id_is_sid = is_call_sid(slot);
    }
    return true;
  }
  h.why = "no ' - ' after module:function:line";
  return false;
}

/// Reads the fields a custom sink puts before the message: a CallSid or a
/// UUID field ("CA16... - "), bracketed key=value groups ("[run_id=x] "),
/// and bare key=value tokens. A CallSid anywhere among them is the call.
void sink_fields(std::string_view rest, line_header& h) noexcept {
  auto take_id = [&](std::string_view v) {
    if (is_call_sid(v)) {
      h.call_id = v;
      h.call_id_is_sid = true;
    }
  };
  for (int guard = 0; guard < 16; ++guard) {
    rest = trim_left(rest);
    if (rest.empty())
      break;
    if (rest[0] == '[') {
      auto close = rest.find(']');
      if (close == std::string_view::npos)
        break;
      auto inner = rest.substr(1, close - 1);
      if (inner.find('=') == std::string_view::npos && !is_call_sid(inner))
        break; // "[Transcription:user] [..]" is a message, not a field
      while (!inner.empty()) {
        auto end = inner.find_first_of(" ,;");
        auto tok = inner.substr(0, end);
        auto eq = tok.find('=');
        take_id(eq == std::string_view::npos ? tok : tok.substr(eq + 1));
        if (end == std::string_view::npos)
          break;
        inner.remove_prefix(end + 1);
      }
      rest.remove_prefix(close + 1);
      continue;
    }
    auto end = rest.find(' ');
    auto tok = rest.substr(0, end);
    if (tok == "-" || tok == "|") {
      rest.remove_prefix(tok.size());
      continue;
    }
    if (is_call_sid(tok) || is_uuid(tok)) {
      if (is_call_sid(tok)) {
        take_id(tok);
      } else if (h.call_id.empty()) {
        h.call_id = tok;
      }
      rest.remove_prefix(tok.size());
      continue;
    }
    auto eq = tok.find('=');
    if (eq != std::string_view::npos && eq > 0 && eq + 1 < tok.size()
        && (is_alpha(tok[0]) || tok[0] == '_')) {
      bool key_ok = true;
      for (std::size_t k = 0; k < eq; ++k)
        if (!(is_ident(tok[k]) || tok[k] == '.' || tok[k] == '-'))
          key_ok = false;
      if (key_ok) {
        take_id(tok.substr(eq + 1));
        rest.remove_prefix(tok.size());
        continue;
      }
    }
    break;
  }
  h.message = rest;
}

/// After "<time> - ": `LEVEL - message` (custom sink or stdlib) or
/// `name - LEVEL - message` (stdlib with the logger name).
bool dash_tail(std::string_view t, const parsed_time& time,
               line_header& h) noexcept {
  auto e1 = t.find(" - ");
  auto f1 = trim(t.substr(0, e1));
  auto level = level_from_name(f1);
  if (level != log_level::unknown) {
    h.level = level;
    auto rest = e1 == std::string_view::npos ? std::string_view{}
                                             : t.substr(e1 + 3);
    if (time.comma) {
      h.origin = log_origin::foreign; // stdlib logging
      h.message = rest;
    } else {
      h.origin = log_origin::custom_sink;
      sink_fields(rest, h);
    }
    return true;
  }
  if (e1 == std::string_view::npos) {
    h.why = "no level after the timestamp";
    return false;
  }
  auto t2 = t.substr(e1 + 3);
  auto e2 = t2.find(" - ");
  level = level_from_name(trim(t2.substr(0, e2)));
  if (level == log_level::unknown) {
    h.why = "no level after the timestamp";
    return false;
  }
  h.level = level;
  h.module = f1;
  h.origin = log_origin::foreign;
  h.message = e2 == std::string_view::npos ? std::string_view{}
                                           : t2.substr(e2 + 3);
  return true;
}

/// After "<time> ": `LEVEL message`, `[LEVEL] message`, `LEVEL name: ...`.
bool space_tail(std::string_view t, const parsed_time& time,
                line_header& h) noexcept {
  std::string_view word;
  std::string_view rest;
  if (!t.empty() && t[0] == '[') {
    auto close = t.find(']');
    if (close == std::string_view::npos || close > 12)
      return false;
    word = t.substr(1, close - 1);
    rest = t.substr(close + 1);
  } else {
    std::size_t i = 0;
    while (i < t.size() && is_alpha(t[i]))
      ++i;
    word = t.substr(0, i);
    rest = t.substr(i);
    if (!rest.empty() && rest[0] == ':')
      rest.remove_prefix(1);
  }
  auto level = level_from_name(word);
  if (level == log_level::unknown)
    return false;
  if (!rest.empty() && rest[0] != ' ')
    return false;
  h.level = level;
  h.origin = time.comma ? log_origin::foreign : log_origin::custom_sink;
  rest = trim_left(rest);
  consume(rest, "- ");
  if (h.origin == log_origin::custom_sink)
    sink_fields(rest, h);
  else
    h.message = rest;
  return true;
}

/// gunicorn's error log: `[2025-03-19 16:15:40 +0000] [7] [INFO] message`.
attempt gunicorn(std::string_view s, line_header& h) noexcept {
  parsed_time t;
  if (s.size() < 2 || !is_digit(s[1]) || !parse_time(s.substr(1), t))
    return attempt::none;
  h.has_time = true;
  h.at_us = t.at_us;
  std::size_t p = 1 + t.length;
  std::int64_t offset = 0;
  std::size_t zl = 0;
  if (p + 1 < s.size() && s[p] == ' ' && !t.zone
      && parse_zone(s.substr(p + 1), offset, zl)) {
    h.at_us -= offset * 1000000;
    p += 1 + zl;
  }
  if (p >= s.size() || s[p] != ']') {
    h.why = "no ']' after the timestamp";
    return attempt::truncated;
  }
  auto rest = s.substr(p + 1);
  for (int k = 0; k < 3; ++k) {
    if (!consume(rest, " ["))
      break;
    auto close = rest.find(']');
    if (close == std::string_view::npos)
      break;
    auto level = level_from_name(rest.substr(0, close));
    rest.remove_prefix(close + 1);
    if (level != log_level::unknown) {
      h.level = level;
      h.origin = log_origin::foreign;
      h.module = "gunicorn";
      h.message = trim_left(rest);
      return attempt::record;
    }
  }
  h.why = "no [LEVEL] after the timestamp";
  return attempt::truncated;
}

/// `1.2.3.4 - - [19/Mar/2025:16:15:40 +0000] "GET / HTTP/1.1" 200 ...`
bool access_line(std::string_view s) noexcept {
  std::size_t i = 0;
  int dots = 0;
  while (i < s.size() && (is_digit(s[i]) || s[i] == '.')) {
    dots += s[i] == '.';
    ++i;
  }
  if (dots != 3)
    return false;
  if (i < s.size() && s[i] == ':') {
    ++i;
    while (i < s.size() && is_digit(s[i]))
      ++i;
  }
  return starts_with(s.substr(i), " - ");
}

/// `ERROR:deepgram.clients...:message`, `INFO:     127.0.0.1:5000 - "GET..."`
attempt level_colon(std::string_view s, line_header& h) noexcept {
  std::size_t i = 0;
  while (i < s.size() && is_upper(s[i]))
    ++i;
  if (i < 4 || i >= s.size() || s[i] != ':')
    return attempt::none;
  auto level = level_from_name(s.substr(0, i));
  if (level == log_level::unknown)
    return attempt::none;
  h.level = level;
  h.origin = log_origin::foreign;
  auto rest = s.substr(i + 1);
  if (!rest.empty() && rest[0] == ' ') {
    h.message = trim_left(rest); // uvicorn
    h.module = "uvicorn";
  } else {
    auto colon = rest.find(':');
    auto space = rest.find(' ');
    if (colon != std::string_view::npos && colon < space) {
      h.module = rest.substr(0, colon);
      h.message = rest.substr(colon + 1);
    } else {
      h.message = rest;
    }
  }
  auto m = h.message;
  if (access_line(m) || (contains(m, " - \"") && contains(m, "HTTP/")))
    h.access_log = true;
  return attempt::record;
}

attempt parse_record(std::string_view s, line_header& h,
                     std::string_view& rest) noexcept {
  if (s.empty())
    return attempt::none;
  char c0 = s[0];
  if (is_digit(c0)) {
    parsed_time t;
    if (!parse_time(s, t)) {
      if (access_line(s)) {
        h.origin = log_origin::foreign;
        h.level = log_level::info;
        h.access_log = true;
        h.message = s;
        return attempt::record;
      }
      return attempt::none;
    }
    h.has_time = true;
    h.at_us = t.at_us;
    auto after = s.substr(t.length);
    if (consume(after, " | "))
      return loguru_tail(after, h) ? attempt::record : attempt::truncated;
    if (consume(after, " - "))
      return dash_tail(after, t, h) ? attempt::record : attempt::truncated;
    if (trim(after).empty() || after == " |" || after == " -") {
      h.why = "nothing after the timestamp";
      return attempt::truncated;
    }
    if (after[0] == ' ') {
      after.remove_prefix(1);
      if (space_tail(after, t, h))
        return attempt::record;
      // A transport's timestamp (docker --timestamps, k8s CRI) before the
      // application's own line.
      h = line_header{};
      h.has_time = true;
      h.at_us = t.at_us;
      if (consume(after, "stdout ") || consume(after, "stderr ")) {
        if (starts_with(after, "F ") || starts_with(after, "P "))
          after.remove_prefix(2);
      }
      rest = after;
      return attempt::prefix;
    }
    h.why = "no separator after the timestamp";
    return attempt::truncated;
  }
  if (c0 == '[')
    return gunicorn(s, h);
  if (is_upper(c0))
    return level_colon(s, h);
  return attempt::none;
}

/// After a syslog time: skips " host tag[pid]: " when it is there.
std::string_view strip_syslog_host(std::string_view r) noexcept {
  if (!r.empty() && r[0] == ' ')
    r.remove_prefix(1);
  if (!r.empty() && is_digit(r[0]))
    return r; // the application's own timestamp follows directly
  auto colon = r.substr(0, 160).find(": ");
  if (colon == std::string_view::npos)
    return r;
  // "host tag[pid]", "host tag" or "tag[pid]": not "ValueError" of a
  // traceback line behind a bare time prefix.
  auto head = r.substr(0, colon);
  int spaces = 0;
  for (char c : head) {
    if (c == ' ')
      ++spaces;
    else if (c == '|' || c == '\'' || c == '"' || c == '(' || c == ',')
      return r;
  }
  if (head.empty() || spaces > 1 || (spaces == 0 && head.back() != ']'))
    return r;
  return r.substr(colon + 2);
}

/// Position of a `YYYY-MM-DD` date after a space in the first bytes, or 0.
std::size_t embedded_date(std::string_view s) noexcept {
  auto limit = s.size() < 180 ? s.size() : std::size_t{180};
  for (std::size_t i = 1; i + 19 <= limit; ++i) {
    if (s[i - 1] == ' ' && is_digit(s[i]) && s[i + 4] == '-'
        && s[i + 7] == '-' && is_digit(s[i + 1]) && is_digit(s[i + 8]))
      return i;
  }
  return 0;
}

} // namespace

log_level level_from_name(std::string_view n) noexcept {
  switch (n.size()) {
    case 4:
      if (eq_nocase(n, "INFO"))
        return log_level::info;
      if (eq_nocase(n, "WARN"))
        return log_level::warning;
      break;
    case 5:
      if (eq_nocase(n, "DEBUG"))
        return log_level::debug;
      if (eq_nocase(n, "ERROR"))
        return log_level::error;
      if (eq_nocase(n, "TRACE"))
        return log_level::trace;
      if (eq_nocase(n, "FATAL"))
        return log_level::critical;
      break;
    case 7:
      if (eq_nocase(n, "WARNING"))
        return log_level::warning;
      if (eq_nocase(n, "SUCCESS"))
        return log_level::success;
      break;
    case 8:
      if (eq_nocase(n, "CRITICAL"))
        return log_level::critical;
      break;
    default:
      break;
  }
  return log_level::unknown;
}

line_header parse_line(std::string_view line) noexcept {
  std::string_view s = line;
  bool prefix_time = false;
  std::int64_t prefix_at = 0;
  for (int depth = 0; depth < 4; ++depth) {
    line_header h;
    std::string_view rest;
    auto r = parse_record(s, h, rest);
    if (r == attempt::record) {
      h.shape = line_shape::record;
      if (!h.has_time && prefix_time) {
        h.has_time = true;
        h.at_us = prefix_at;
      }
      return h;
    }
    if (r == attempt::truncated) {
      h.shape = line_shape::truncated;
      return h;
    }
    if (r == attempt::prefix) {
      prefix_time = true;
      prefix_at = h.at_us;
      s = rest;
      continue;
    }
    if (auto n = syslog_time_length(s)) {
      s = strip_syslog_host(s.substr(n));
      continue;
    }
    break;
  }
  // A log viewer's prefix of unknown shape before the application's line.
  if (auto pos = embedded_date(s)) {
    line_header h;
    std::string_view rest;
    if (parse_record(s.substr(pos), h, rest) == attempt::record) {
      h.shape = line_shape::record;
      return h;
    }
  }
  line_header h;
  h.shape = line_shape::continuation;
  h.message = s;
  return h;
}

} // namespace sb::gateway
