#include "http/param_reader.hpp"

#include "gateway/neutral_events.hpp"
#include "switchboard/events/calendar.hpp"

#include <algorithm>
#include <charconv>

namespace sb::app::http {

namespace {

std::string quoted(std::string_view name) {
  return "'" + std::string{name} + "'";
}

std::string joined(std::initializer_list<std::string_view> allowed) {
  std::string out;
  for (auto a : allowed) {
    if (!out.empty())
      out += ", ";
    out += a;
  }
  return out;
}

bool one_of(std::string_view v, std::initializer_list<std::string_view> all) {
  return std::find(all.begin(), all.end(), v) != all.end();
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

/// "YYYY-MM-DD" alone: midnight UTC of that day.
std::optional<std::int64_t> date_only(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-')
    return std::nullopt;
  auto part = [&](std::size_t at, std::size_t n) -> std::optional<unsigned> {
    auto piece = s.substr(at, n);
    if (!all_digits(piece))
      return std::nullopt;
    unsigned v = 0;
    std::from_chars(piece.data(), piece.data() + piece.size(), v);
    return v;
  };
  auto y = part(0, 4), m = part(5, 2), d = part(8, 2);
  if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1)
    return std::nullopt;
  // The day must exist: its midnight plus a day is the next month's or
  // the same month's next day, never a later month.
  auto days = days_from_civil(*y, *m, *d);
  auto next_month_first = *m == 12 ? days_from_civil(*y + 1, 1, 1)
                                   : days_from_civil(*y, *m + 1, 1);
  if (days >= next_month_first)
    return std::nullopt;
  return days * 86'400'000'000LL;
}

} // namespace

void param_reader::fail(std::string_view name, std::string message) {
  if (failure_)
    return;
  failure_ = error_reply(400, "invalid_parameter", std::move(message),
                         {{"parameter", std::string{name}}});
}

std::vector<std::string> param_reader::take(std::string_view name) {
  std::vector<std::string> out;
  for (auto i = params_.begin(); i != params_.end();) {
    if (i->first == name) {
      // PostgreSQL text cannot hold a NUL byte: refuse it here, as a 400.
      if (i->second.find('\0') != std::string::npos)
        fail(name, quoted(name) + " must not contain a NUL byte (%00)");
      out.push_back(std::move(i->second));
      i = params_.erase(i);
    } else {
      ++i;
    }
  }
  return out;
}

std::optional<std::string> param_reader::take_one(std::string_view name) {
  auto values = take(name);
  if (values.empty() || failure_)
    return std::nullopt;
  if (values.size() > 1) {
    fail(name, quoted(name) + " is given more than once");
    return std::nullopt;
  }
  return std::move(values.front());
}

std::optional<std::string> param_reader::text(std::string_view name,
                                              std::size_t max_bytes) {
  auto v = take_one(name);
  if (!v)
    return std::nullopt;
  if (v->empty() || v->size() > max_bytes) {
    fail(name, quoted(name) + " must be 1 to " + std::to_string(max_bytes)
                 + " bytes");
    return std::nullopt;
  }
  return v;
}

std::vector<std::string> param_reader::list(std::string_view name,
                                            std::size_t max_bytes) {
  std::vector<std::string> out;
  for (const auto& value : take(name)) {
    std::string_view rest = value;
    for (;;) {
      auto comma = rest.find(',');
      auto item = rest.substr(0, comma);
      if (item.empty() || item.size() > max_bytes) {
        fail(name, "each " + quoted(name) + " must be 1 to "
                     + std::to_string(max_bytes) + " bytes");
        return {};
      }
      if (std::find(out.begin(), out.end(), item) == out.end())
        out.emplace_back(item);
      if (comma == std::string_view::npos)
        break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (failure_)
    return {};
  return out;
}

std::optional<std::string>
param_reader::choice(std::string_view name,
                     std::initializer_list<std::string_view> allowed) {
  auto v = take_one(name);
  if (v && !one_of(*v, allowed)) {
    fail(name, quoted(name) + " must be one of: " + joined(allowed) + " (not '"
                 + *v + "')");
    return std::nullopt;
  }
  return v;
}

std::vector<std::string>
param_reader::choices(std::string_view name,
                      std::initializer_list<std::string_view> allowed) {
  auto values = list(name, 64);
  for (const auto& v : values)
    if (!one_of(v, allowed)) {
      fail(name, quoted(name) + " must be one of: " + joined(allowed)
                   + " (not '" + v + "')");
      return {};
    }
  return values;
}

std::optional<std::int64_t> param_reader::integer(std::string_view name,
                                                  std::int64_t min,
                                                  std::int64_t max) {
  auto v = take_one(name);
  if (!v)
    return std::nullopt;
  std::int64_t out = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc{} || end != v->data() + v->size() || out < min
      || out > max) {
    fail(name, quoted(name) + " must be a whole number from "
                 + std::to_string(min) + " to " + std::to_string(max)
                 + " (not '" + *v + "')");
    return std::nullopt;
  }
  return out;
}

std::optional<double> param_reader::number(std::string_view name) {
  auto v = take_one(name);
  if (!v)
    return std::nullopt;
  auto dot = v->find('.');
  auto whole = std::string_view{*v}.substr(0, dot);
  auto fraction = dot == std::string::npos ? std::string_view{"0"}
                                           : std::string_view{*v}.substr(
                                               dot + 1);
  if (!all_digits(whole) || !all_digits(fraction) || whole.size() > 12) {
    fail(name, quoted(name) + " must be a non-negative number such as 250 "
                              "or 0.5 (not '" + *v + "')");
    return std::nullopt;
  }
  double out = 0;
  std::from_chars(v->data(), v->data() + v->size(), out);
  return out;
}

std::optional<std::int64_t> param_reader::usd_micros(std::string_view name) {
  auto v = take_one(name);
  if (!v)
    return std::nullopt;
  auto dot = v->find('.');
  auto whole = std::string_view{*v}.substr(0, dot);
  std::string_view fraction;
  if (dot != std::string::npos)
    fraction = std::string_view{*v}.substr(dot + 1);
  if (!all_digits(whole) || whole.size() > 9
      || (dot != std::string::npos && !all_digits(fraction))
      || fraction.size() > 6) {
    fail(name, quoted(name) + " must be an amount of US dollars with at most "
                              "6 decimals, such as 0.25 (not '" + *v + "')");
    return std::nullopt;
  }
  std::int64_t dollars = 0, micros = 0;
  std::from_chars(whole.data(), whole.data() + whole.size(), dollars);
  std::string padded{fraction};
  padded.resize(6, '0');
  std::from_chars(padded.data(), padded.data() + padded.size(), micros);
  return dollars * 1'000'000 + micros;
}

std::optional<bool> param_reader::boolean(std::string_view name) {
  auto v = choice(name, {"true", "false"});
  if (!v)
    return std::nullopt;
  return *v == "true";
}

std::optional<std::int64_t> param_reader::instant(std::string_view name) {
  auto v = take_one(name);
  if (!v)
    return std::nullopt;
  if (auto day = date_only(*v))
    return day;
  std::int64_t us = 0;
  if (!gateway::parse_iso8601_us(*v, us)) {
    fail(name, quoted(name) + " must be an ISO 8601 time with a zone, such "
                              "as 2026-12-03T10:00:00Z, or a date such as "
                              "2026-12-03 (not '" + *v + "')");
    return std::nullopt;
  }
  return us;
}

std::optional<reply> param_reader::refusal() const {
  if (failure_)
    return failure_;
  return reject_unknown(params_);
}

std::optional<reply> reject_unknown(const query_params& params) {
  if (params.empty())
    return std::nullopt;
  const auto& name = params.front().first;
  return error_reply(400, "unknown_parameter",
                     "unknown query parameter '" + name + "'",
                     {{"parameter", name}});
}

} // namespace sb::app::http
