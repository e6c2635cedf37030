#pragma once

// Private helpers of the libpqxx code in this folder: connecting, turning
// exceptions into db_errc errors, COPY fields (array literals are public:
// switchboard/db/array_literal.hpp).

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

/// Throws std::invalid_argument if `text` holds a NUL byte (libpq would
/// silently cut the parameter there).
void check_no_nul(std::string_view text);

} // namespace sb::db::detail
