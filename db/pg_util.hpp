#pragma once

// Private helpers of the libpqxx code in this folder: connecting, turning
// exceptions into db_errc errors, and building array literals (libpqxx 6.4
// cannot bind arrays, so arrays travel as text literals cast in SQL).

#include "switchboard/db/errors.hpp"

#include <caf/error.hpp>

#include <pqxx/connection>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace sb::db::detail {

/// Appends `value` to a COPY text line, escaping backslash, tab, newline
/// and carriage return (bytes that never occur inside a UTF-8 sequence).
void append_copy_field(std::string& line, std::string_view value);

/// Partition -> epoch as the jsonb text of projection_checkpoints.epochs.
[[nodiscard]] std::string
epochs_json(const std::map<std::uint32_t, std::uint64_t>& epochs);

/// Opens a connection with notices below WARNING silenced. Throws.
[[nodiscard]] std::unique_ptr<pqxx::connection>
open_connection(const std::string& url);

/// Call from inside a catch block: the current exception as a db error.
/// pqxx::broken_connection and pqxx::in_doubt_error become
/// db_errc::unavailable, std::invalid_argument db_errc::invalid_argument,
/// anything else `otherwise`. `context` prefixes the message.
[[nodiscard]] caf::error translate_current_exception(std::string_view context,
                                                     db_errc otherwise);

/// True if the exception being handled means the connection is gone.
[[nodiscard]] bool current_exception_is_disconnect();

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

/// Throws std::invalid_argument if `text` holds a NUL byte (libpq would
/// silently cut the parameter there).
void check_no_nul(std::string_view text);

} // namespace sb::db::detail
