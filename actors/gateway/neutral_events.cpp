#include "gateway/neutral_events.hpp"

#include "switchboard/events/calendar.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <utility>

namespace sb::gateway {

namespace {

using nlohmann::json;

constexpr std::size_t max_call_id_bytes = 128;
constexpr std::size_t max_reason_bytes = 128;
/// 10000-01-01T00:00:00Z in milliseconds: `at` must be before it.
constexpr double max_at_ms = 253402300800000.0;

struct short_name {
  const char* name;
  signal_kind kind;
};

constexpr short_name short_names[] = {
  {"queued", signal_kind::call_queued},
  {"ringing", signal_kind::call_ringing},
  {"answered", signal_kind::call_answered},
  {"declined", signal_kind::call_declined},
  {"missed", signal_kind::call_missed},
  {"hungup", signal_kind::call_hungup},
  {"failed", signal_kind::call_failed},
  {"recording_ready", signal_kind::recording_ready},
};

// -- time parsing -------------------------------------------------------------

bool is_leap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30,
                                      31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/// Reads exactly `n` digits at `pos`.
bool digits(std::string_view s, std::size_t& pos, std::size_t n,
            unsigned& out) {
  if (pos + n > s.size())
    return false;
  unsigned v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9')
      return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  pos += n;
  out = v;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c)
    return false;
  ++pos;
  return true;
}

// -- item fields --------------------------------------------------------------

bool fail(std::string& error, std::string message) {
  error = std::move(message);
  return false;
}

const json* field(const json& item, const char* key) {
  auto i = item.find(key);
  if (i == item.end() || i->is_null())
    return nullptr;
  return &*i;
}

/// Copies an optional string field; false (with error) on a wrong type.
bool opt_string(const json& item, const char* key, std::string& out,
                std::string& error) {
  auto v = field(item, key);
  if (v == nullptr)
    return true;
  if (!v->is_string())
    return fail(error, std::string{key} + ": not a string");
  out = v->get<std::string>();
  return true;
}

bool opt_count(const json& item, const char* key, std::int64_t& out,
               std::string& error) {
  auto v = field(item, key);
  if (v == nullptr)
    return true;
  if (v->is_number_unsigned()) {
    auto u = v->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX))
      return fail(error, std::string{key} + ": too large");
    out = static_cast<std::int64_t>(u);
    return true;
  }
  if (v->is_number_integer() && v->get<std::int64_t>() >= 0) {
    out = v->get<std::int64_t>();
    return true;
  }
  return fail(error, std::string{key} + ": not an integer >= 0");
}

bool has_control(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f)
      return true;
  return false;
}

bool parse_call_id(const json& item, signal& s, std::string& error) {
  auto v = field(item, "call_id");
  if (v == nullptr)
    return fail(error, "call_id: missing");
  if (!v->is_string())
    return fail(error, "call_id: not a string");
  s.call_id = v->get<std::string>();
  if (s.call_id.empty() || s.call_id.size() > max_call_id_bytes)
    return fail(error, "call_id: must be 1..128 bytes");
  if (has_control(s.call_id))
    return fail(error, "call_id: contains a control character");
  return true;
}

bool parse_type(const json& item, signal& s, std::string& error) {
  auto v = field(item, "type");
  if (v == nullptr)
    return fail(error, "type: missing");
  if (!v->is_string())
    return fail(error, "type: not a string");
  auto name = v->get<std::string>();
  if (!neutral_kind(name, s.kind))
    return fail(error, "type: unknown type '" + name + "'");
  return true;
}

bool parse_at(const json& item, signal& s, std::string& error) {
  auto v = field(item, "at");
  if (v == nullptr)
    return fail(error, "at: missing");
  if (v->is_number()) {
    auto ms = v->get<double>();
    if (!(ms > 0) || ms >= max_at_ms)
      return fail(error, "at: milliseconds out of range (1970..9999)");
    if (v->is_number_float())
      s.at_us = static_cast<std::int64_t>(std::llround(ms * 1000.0));
    else
      s.at_us = v->get<std::int64_t>() * 1000;
    return true;
  }
  if (!v->is_string())
    return fail(error, "at: not a string or a number");
  const auto& text = v->get_ref<const std::string&>();
  if (!parse_iso8601_us(text, s.at_us))
    return fail(error, "at: not an ISO 8601 time with a zone: '" + text
                         + "'");
  if (s.at_us <= 0)
    return fail(error, "at: before 1970");
  return true;
}

/// direction/from/to/campaign/language of answered and queued, as JSON.
bool pack_call_info(const json& item, signal& s, std::string& error) {
  json packed = json::object();
  for (auto key : {"direction", "from", "to", "campaign", "language"}) {
    std::string value;
    if (!opt_string(item, key, value, error))
      return false;
    if (field(item, key) != nullptr)
      packed[key] = std::move(value);
  }
  if (packed.contains("direction")) {
    const auto& d = packed["direction"].get_ref<const std::string&>();
    if (d != "inbound" && d != "outbound" && d != "web")
      return fail(error, "direction: must be inbound, outbound or web");
  }
  if (!packed.empty())
    s.detail = packed.dump();
  return true;
}

bool parse_detail(const json& item, signal& s, std::string& error) {
  switch (s.kind) {
    case signal_kind::call_hungup:
    case signal_kind::call_failed:
    case signal_kind::call_declined:
    case signal_kind::call_missed:
      if (!opt_string(item, "reason", s.detail, error))
        return false;
      if (s.detail.size() > max_reason_bytes)
        return fail(error, "reason: longer than 128 bytes");
      return true;
    case signal_kind::recording_ready:
      if (!opt_string(item, "url", s.detail, error))
        return false;
      if (s.detail.empty())
        return fail(error, "url: missing (required for recording_ready)");
      return true;
    case signal_kind::call_answered:
    case signal_kind::call_queued:
      return pack_call_info(item, s, error);
    default:
      return opt_string(item, "detail", s.detail, error);
  }
}

bool parse_numbers(const json& item, signal& s, std::string& error) {
  if (auto v = field(item, "value_s")) {
    if (!v->is_number() || !(v->get<double>() >= 0))
      return fail(error, "value_s: not a number >= 0");
    s.value_s = v->get<double>();
  }
  return opt_count(item, "prompt_tokens", s.prompt_tokens, error)
         && opt_count(item, "completion_tokens", s.completion_tokens, error)
         && opt_count(item, "characters", s.characters, error);
}

bool parse_item(const json& item, signal& s, std::string& error) {
  if (!item.is_object())
    return fail(error, "not an object");
  return parse_call_id(item, s, error) && parse_type(item, s, error)
         && parse_at(item, s, error) && parse_detail(item, s, error)
         && opt_string(item, "text", s.text, error)
         && opt_string(item, "service", s.service, error)
         && parse_numbers(item, s, error);
}

} // namespace

bool neutral_kind(const std::string& type, signal_kind& out) {
  for (const auto& sn : short_names)
    if (type == sn.name) {
      out = sn.kind;
      return true;
    }
  return from_string(type, out);
}

bool parse_iso8601_us(std::string_view s, std::int64_t& out) {
  std::size_t pos = 0;
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, pos, 4, year) || !expect(s, pos, '-')
      || !digits(s, pos, 2, month) || !expect(s, pos, '-')
      || !digits(s, pos, 2, day))
    return false;
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' '))
    return false;
  ++pos;
  if (!digits(s, pos, 2, hour) || !expect(s, pos, ':')
      || !digits(s, pos, 2, minute))
    return false;
  std::int64_t micros = 0;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!digits(s, pos, 2, second))
      return false;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      std::size_t n = 0;
      std::int64_t scale = 100000;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        micros += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
        ++n;
      }
      if (n == 0)
        return false;
    }
  }
  if (month < 1 || month > 12 || day < 1
      || day > days_in_month(year, month) || hour > 23 || minute > 59
      || second > 60)
    return false;
  if (pos >= s.size())
    return false; // no zone: ambiguous
  std::int64_t offset_s = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    unsigned oh = 0, om = 0;
    if (!digits(s, pos, 2, oh))
      return false;
    if (pos < s.size()) {
      if (s[pos] == ':')
        ++pos;
      if (!digits(s, pos, 2, om))
        return false;
    }
    if (oh > 23 || om > 59)
      return false;
    offset_s = sign * static_cast<std::int64_t>(oh * 3600 + om * 60);
  } else {
    return false;
  }
  if (pos != s.size())
    return false;
  std::int64_t secs = days_from_civil(year, month, day) * 86400
                      + hour * 3600 + minute * 60 + second - offset_s;
  out = secs * 1000000 + micros;
  return true;
}

bool parse_neutral_events(std::string_view text, std::vector<signal>& out,
                          std::string& error, std::size_t& bad_index) {
  bad_index = no_index;
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    return fail(error, e.what());
  }
  if (!doc.is_array())
    return fail(error, "the body must be a JSON array of events");
  std::vector<signal> parsed;
  parsed.reserve(doc.size());
  for (std::size_t i = 0; i < doc.size(); ++i) {
    signal s;
    s.line = static_cast<std::uint32_t>(i + 1);
    std::string why;
    if (!parse_item(doc[i], s, why)) {
      bad_index = i;
      return fail(error, "item " + std::to_string(i) + ": " + why);
    }
    parsed.push_back(std::move(s));
  }
  out.insert(out.end(), std::make_move_iterator(parsed.begin()),
             std::make_move_iterator(parsed.end()));
  return true;
}

} // namespace sb::gateway
