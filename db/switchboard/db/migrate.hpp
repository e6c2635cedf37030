#pragma once

// Schema migrations: SQL files db/migrations/<version>_<name>.sql, embedded in
// the binary at build time and applied in version order.

#include <caf/expected.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sb::db {

/// One schema change.
struct migration {
  int version;           ///< from the file name; unique, ascending
  std::string_view name; ///< the file name without version and extension
  std::string_view sql;  ///< the file's content
};

/// Every migration compiled into this binary, ordered by version.
[[nodiscard]] const std::vector<migration>& embedded_migrations();

/// Applies the embedded migrations that `pg_url`'s database lacks, in order,
/// each in its own transaction holding a transaction-level advisory lock, so
/// nodes starting at the same time apply each migration exactly once.
/// Returns how many were applied now; db_errc::unavailable if the server
/// cannot be reached, db_errc::migration_failed if a migration fails (that
/// migration is rolled back; earlier ones stay).
caf::expected<int> migrate(const std::string& pg_url);

/// Same, with an explicit list (ascending versions); for tests.
caf::expected<int> migrate(const std::string& pg_url,
                           const std::vector<migration>& migrations);

} // namespace sb::db
