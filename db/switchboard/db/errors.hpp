#pragma once

// The db module's error codes, as caf::error with category "db".

#include <caf/atom.hpp>
#include <caf/error.hpp>

#include <cstdint>
#include <string>

namespace sb::db {

enum class db_errc : std::uint8_t {
  unavailable = 1,     ///< cannot connect or the connection broke
  checkpoint_conflict, ///< another instance moved the checkpoint
  query_failed,        ///< PostgreSQL rejected a statement
  migration_failed,
  invalid_argument,
};

inline constexpr caf::atom_value db_category = caf::atom("db");

[[nodiscard]] caf::error make_error(db_errc code, std::string message);

/// "db.checkpoint_conflict: ..." for logs and API errors.
[[nodiscard]] std::string describe(const caf::error& err);

} // namespace sb::db
