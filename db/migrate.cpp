#include "switchboard/db/migrate.hpp"

#include "pg_util.hpp"
#include "switchboard/db/errors.hpp"

#include <pqxx/transaction>

#include <spdlog/spdlog.h>

#include <cstdint>

namespace sb::db {

namespace {

/// Serializes migrations across every node of one database ("sbmigrat").
constexpr std::int64_t lock_key = 0x73626d6967726174;

/// Also in 0001_init.sql; created here first so that version checks work on
/// an empty database.
constexpr const char* bootstrap_sql
  = "create table if not exists schema_migrations ("
    "version integer primary key, "
    "applied_at timestamptz not null default now())";

caf::error check_order(const std::vector<migration>& migrations) {
  for (size_t i = 1; i < migrations.size(); ++i)
    if (migrations[i].version <= migrations[i - 1].version)
      return make_error(db_errc::invalid_argument,
                        "migration versions must ascend: "
                          + std::to_string(migrations[i - 1].version) + ", "
                          + std::to_string(migrations[i].version));
  return caf::none;
}

/// Applies `m` unless recorded; true if applied now. Throws.
bool apply_one(pqxx::connection& conn, const migration& m) {
  pqxx::work tx{conn};
  tx.exec_params("select pg_advisory_xact_lock($1)", lock_key);
  tx.exec(bootstrap_sql);
  auto found = tx.exec_params(
    "select 1 from schema_migrations where version = $1", m.version);
  if (!found.empty())
    return false; // the destructor rolls back the empty transaction
  tx.exec(std::string{m.sql});
  tx.exec_params("insert into schema_migrations (version) values ($1)",
                 m.version);
  tx.commit();
  return true;
}

} // namespace

caf::expected<int> migrate(const std::string& pg_url) {
  return migrate(pg_url, embedded_migrations());
}

caf::expected<int> migrate(const std::string& pg_url,
                           const std::vector<migration>& migrations) {
  if (auto err = check_order(migrations))
    return err;
  std::unique_ptr<pqxx::connection> conn;
  try {
    conn = detail::open_connection(pg_url);
  } catch (...) {
    return detail::translate_current_exception("migrate: connect",
                                               db_errc::unavailable);
  }
  int applied = 0;
  for (const auto& m : migrations) {
    auto context = "migration " + std::to_string(m.version) + " ("
                   + std::string{m.name} + ")";
    try {
      if (apply_one(*conn, m)) {
        ++applied;
        spdlog::info("[db] applied {}", context);
      }
    } catch (...) {
      auto err = detail::translate_current_exception(context,
                                                     db_errc::migration_failed);
      spdlog::error("[db] {}", describe(err));
      return err;
    }
  }
  return applied;
}

} // namespace sb::db
