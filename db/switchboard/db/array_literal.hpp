#pragma once

// PostgreSQL array literals built element by element: libpqxx 6.4 cannot
// bind arrays, so a batch's columns travel as text literals cast in SQL
// (`unnest($1::text[], $2::bigint[])`). Used by this folder's writers and
// by the projections that write with one statement per batch.

#include <cstdint>
#include <string>
#include <string_view>

namespace sb::db {

/// Builds a PostgreSQL array literal such as {"a","b\"c",NULL} element by
/// element, to be passed as one text parameter and cast (`$1::text[]`).
class array_literal {
public:
  array_literal();

  /// Appends a text element. Throws std::invalid_argument on a NUL byte,
  /// which PostgreSQL text cannot hold.
  void add(std::string_view text);

  void add(std::int64_t value);

  void add(std::int32_t value);

  void add(bool value);

  /// Shortest exact form (std::to_chars); NaN and infinities spelled
  /// the way PostgreSQL reads them.
  void add(double value);

  void add_null();

  /// The finished literal.
  [[nodiscard]] const std::string& str();

private:
  void separate();

  std::string text_;
  bool empty_ = true;
  bool closed_ = false;
};

} // namespace sb::db
