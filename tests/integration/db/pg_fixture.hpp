#pragma once

// One PostgreSQL server per test process; every test gets its own database.

#include "support/servers.hpp"

#include "switchboard/db/migrate.hpp"
#include "switchboard/db/pg_store.hpp"

#include <catch2/catch.hpp>

#include <pqxx/nontransaction>
#include <pqxx/result>

#include <atomic>
#include <memory>
#include <string>

namespace sb::test {

inline postgres_server& shared_postgres() {
  static postgres_server server;
  return server;
}

/// A URL of a new, empty database.
inline std::string fresh_url() {
  static std::atomic<int> n{0};
  return shared_postgres().fresh_database("db_test_" + std::to_string(++n));
}

/// A migrated new database.
inline std::string migrated_url() {
  auto url = fresh_url();
  auto applied = db::migrate(url);
  REQUIRE(applied);
  REQUIRE(*applied == static_cast<int>(db::embedded_migrations().size()));
  return url;
}

inline std::unique_ptr<db::pg_store> connect(const std::string& url) {
  auto s = db::pg_store::connect(url);
  REQUIRE(s);
  return std::move(*s);
}

/// A pg_store on a migrated new database.
inline std::unique_ptr<db::pg_store> fresh_store() {
  return connect(migrated_url());
}

/// Runs one SQL statement on its own connection.
inline pqxx::result sql(const std::string& url, const std::string& query) {
  pqxx::connection conn{url};
  pqxx::nontransaction tx{conn};
  return tx.exec(query);
}

/// The single value of a one-row, one-column query, as text.
inline std::string sql_value(const std::string& url, const std::string& q) {
  auto r = sql(url, q);
  REQUIRE(r.size() == 1);
  return r[0][0].is_null() ? std::string{"NULL"} : r[0][0].as<std::string>();
}

} // namespace sb::test
