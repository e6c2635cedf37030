#pragma once

// Typed query parameters for the read endpoints. Each take_* removes the
// parameter from the list as it reads it, so whatever is left at the end
// is a name the endpoint does not know. The first bad value is kept as a
// 400 reply naming the parameter (`{"error":{"code":"invalid_parameter",
// "parameter":...}}`); later reads then do nothing.

#include "http/query.hpp"
#include "http/reply.hpp"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb::app::http {

class param_reader {
public:
  explicit param_reader(query_params& params) : params_(params) {}

  /// A parameter given at most once, as text of 1..max_bytes bytes.
  std::optional<std::string> text(std::string_view name,
                                  std::size_t max_bytes = 200);

  /// Every value of a repeatable parameter (`agent_id=a&agent_id=b`, and
  /// also `agent_id=a,b`), each 1..max_bytes bytes, duplicates dropped.
  std::vector<std::string> list(std::string_view name,
                                std::size_t max_bytes = 200);

  /// One of `allowed`.
  std::optional<std::string> choice(std::string_view name,
                                    std::initializer_list<std::string_view>
                                      allowed);

  /// Each of several values one of `allowed`.
  std::vector<std::string>
  choices(std::string_view name,
          std::initializer_list<std::string_view> allowed);

  /// A whole number in [min, max].
  std::optional<std::int64_t> integer(std::string_view name, std::int64_t min,
                                      std::int64_t max);

  /// A non-negative decimal number (`12`, `0.35`), as a double.
  std::optional<double> number(std::string_view name);

  /// A non-negative amount of US dollars with at most 6 decimals, in
  /// micro-USD (`0.25` -> 250000).
  std::optional<std::int64_t> usd_micros(std::string_view name);

  /// `true` or `false`.
  std::optional<bool> boolean(std::string_view name);

  /// An ISO 8601 instant with a zone (`2026-12-03T10:00:00Z`,
  /// `...+02:00`) or a date (`2026-12-03`, midnight UTC), in µs.
  std::optional<std::int64_t> instant(std::string_view name);

  /// The first bad value's reply, if any.
  [[nodiscard]] const std::optional<reply>& failure() const {
    return failure_;
  }

  /// What to answer instead, once every known parameter was read: the
  /// first bad value's 400, else the 400 for a parameter left unread.
  [[nodiscard]] std::optional<reply> refusal() const;

  /// Records a bad value found by the caller (e.g. `from` after `to`).
  void fail(std::string_view name, std::string message);

private:
  /// The values of `name`, removed from the list.
  std::vector<std::string> take(std::string_view name);
  /// The single value of `name`; fails if given twice.
  std::optional<std::string> take_one(std::string_view name);

  query_params& params_;
  std::optional<reply> failure_;
};

/// The 400 for the first parameter left in `params`, if any.
[[nodiscard]] std::optional<reply> reject_unknown(const query_params& params);

} // namespace sb::app::http
