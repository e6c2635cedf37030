#include "switchboard/db/pg_store.hpp"

#include "pg_rows.hpp"
#include "pg_util.hpp"

#include "switchboard/db/array_literal.hpp"
#include "switchboard/db/api_keys.hpp"
#include "switchboard/db/pg_session.hpp"

#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/result>

#include <spdlog/spdlog.h>

namespace sb::db {

namespace {

/// `ids` as a text[] literal; throws std::invalid_argument on NUL bytes.
std::string text_array(const std::vector<std::string>& ids) {
  array_literal array;
  for (const auto& id : ids)
    array.add(std::string_view{id});
  return array.str();
}

constexpr int key_attempts = 5;

} // namespace

pg_store::pg_store(std::string url)
  : session_(std::move(url), [](pqxx::connection& conn) {
      conn.prepare("sb_upsert_sessions", detail::upsert_sessions_sql());
      conn.prepare("sb_upsert_turns", detail::upsert_turns_sql());
    }) {}

pg_store::~pg_store() = default;

caf::expected<std::unique_ptr<pg_store>> pg_store::connect(std::string url) {
  std::unique_ptr<pg_store> result{new pg_store(std::move(url))};
  if (auto err = result->session_.open())
    return err;
  return result;
}

caf::error pg_store::run(std::string_view what, const body& fn) {
  auto err = session_.run(what, fn);
  if (err)
    partitions_.clear(); // a rolled-back transaction may have made some
  return err;
}

caf::error pg_store::use_schema(const std::string& schema) {
  if (schema != session_.schema())
    partitions_.clear(); // partition names are looked up in the schema
  return session_.use_schema(schema);
}

int pg_store::backend_pid() const {
  return session_.backend_pid();
}

caf::expected<checkpoint> pg_store::load_checkpoint(const std::string& name) {
  checkpoint result;
  auto err = run("load_checkpoint", [&](pqxx::connection& conn) {
    pqxx::nontransaction tx{conn};
    result = read_checkpoint(tx, name);
    return caf::error{};
  });
  if (err)
    return err;
  return result;
}

caf::expected<std::optional<live_call_record>>
pg_store::oldest_live_call(std::uint32_t partition) {
  std::optional<live_call_record> oldest;
  auto err = run("oldest_live_call", [&](pqxx::connection& conn) {
    pqxx::nontransaction tx{conn};
    // Index scans on (partition, first_position), one row each, not a scan
    // of the table.
    const auto& columns = detail::live_call_select_list();
    auto rows = tx.exec_params(
      "(select " + columns
        + " from live_calls where partition = $1 "
          " order by first_position limit 1) "
          "union all "
          "(select "
        + columns
        + " from live_calls where partition = -1 "
          " order by first_position limit 1) "
          "order by 4 limit 1",
      static_cast<std::int32_t>(partition));
    if (rows.empty())
      return caf::error{};
    oldest = detail::read_live_call(rows[0]);
    return caf::error{};
  });
  if (err)
    return err;
  return oldest;
}

caf::expected<std::vector<session_record>>
pg_store::load_sessions(const std::vector<std::string>& ids) {
  std::vector<session_record> result;
  if (ids.empty())
    return result;
  auto err = run("load_sessions", [&](pqxx::connection& conn) {
    auto arg = text_array(ids);
    pqxx::nontransaction tx{conn};
    auto rows = tx.exec_params("select " + detail::session_select_list()
                                 + " from sessions where id = any($1::text[])",
                               arg);
    result.reserve(rows.size());
    for (const auto& row : rows)
      result.push_back(detail::read_session(row));
    return caf::error{};
  });
  if (err)
    return err;
  return result;
}

caf::expected<std::vector<turn_record>>
pg_store::load_last_turns(const std::vector<std::string>& session_ids) {
  std::vector<turn_record> result;
  if (session_ids.empty())
    return result;
  auto err = run("load_last_turns", [&](pqxx::connection& conn) {
    auto arg = text_array(session_ids);
    pqxx::nontransaction tx{conn};
    auto rows = tx.exec_params(
      "select distinct on (session_id) " + detail::turn_select_list()
        + " from turns where session_id = any($1::text[]) "
          "order by session_id, turn desc, session_started_at desc",
      arg);
    result.reserve(rows.size());
    for (const auto& row : rows)
      result.push_back(detail::read_turn(row));
    return caf::error{};
  });
  if (err)
    return err;
  return result;
}

caf::expected<void> pg_store::commit(const projection_batch& batch) {
  std::vector<std::string> created;
  auto err = run("commit", [&](pqxx::connection& conn) {
    return commit_in(conn, batch, created);
  });
  if (err)
    return err;
  partitions_.insert(created.begin(), created.end());
  return {};
}

caf::expected<std::optional<session_record>>
pg_store::find_session(const std::string& tenant_id, const std::string& id) {
  std::optional<session_record> result;
  auto err = run("find_session", [&](pqxx::connection& conn) {
    detail::check_no_nul(tenant_id);
    detail::check_no_nul(id);
    pqxx::nontransaction tx{conn};
    auto rows = tx.exec_params("select " + detail::session_select_list()
                                 + " from sessions where tenant_id = $1 "
                                   "and id = $2 order by started_at desc "
                                   "limit 1",
                               tenant_id, id);
    if (!rows.empty())
      result = detail::read_session(rows[0]);
    return caf::error{};
  });
  if (err)
    return err;
  return result;
}

caf::expected<std::vector<trace_record>>
pg_store::call_trace(const std::string& tenant_id, const std::string& id,
                     std::int64_t started_at) {
  std::vector<trace_record> result;
  auto err = run("call_trace", [&](pqxx::connection& conn) {
    result.clear();
    detail::check_no_nul(tenant_id);
    detail::check_no_nul(id);
    pqxx::nontransaction tx{conn};
    // The partition key first: one partition's primary key index.
    auto rows = tx.exec_params(
      "select seq, type, coalesce(sb_ts_to_us(at), 0), turn, payload::text "
      "from call_events where session_started_at = sb_us_to_ts($1) "
      "and session_id = $2 and tenant_id = $3 order by seq",
      started_at, id, tenant_id);
    for (const auto& row : rows)
      result.push_back({row[0].as<std::uint64_t>(), row[1].as<std::string>(),
                        row[2].as<std::int64_t>(), row[3].as<std::int32_t>(),
                        row[4].as<std::string>()});
    return caf::error{};
  });
  if (err)
    return err;
  return result;
}

caf::expected<std::vector<turn_record>>
pg_store::transcript(const std::string& tenant_id, const std::string& id) {
  std::vector<turn_record> result;
  auto err = run("transcript", [&](pqxx::connection& conn) {
    detail::check_no_nul(tenant_id);
    detail::check_no_nul(id);
    pqxx::nontransaction tx{conn};
    auto rows = tx.exec_params("select " + detail::turn_select_list()
                                 + " from turns where tenant_id = $1 and "
                                   "session_id = $2 "
                                   "order by turn, session_started_at",
                               tenant_id, id);
    result.reserve(rows.size());
    for (const auto& row : rows)
      result.push_back(detail::read_turn(row));
    return caf::error{};
  });
  if (err)
    return err;
  return result;
}

caf::expected<std::string> pg_store::api_secret(const std::string& name) {
  std::optional<std::string> result;
  auto err = run("api_secret", [&](pqxx::connection& conn) {
    detail::check_no_nul(name);
    pqxx::nontransaction tx{conn};
    auto rows = tx.exec_params(
      "select secret from api_secrets where name = $1", name);
    if (!rows.empty())
      result = rows[0][0].as<std::string>();
    return caf::error{};
  });
  if (err)
    return err;
  if (!result)
    return make_error(db_errc::invalid_argument,
                      "no API secret '" + name + "': run switchboard migrate");
  return *result;
}

caf::expected<bool> pg_store::ensure_tenant(const std::string& tenant_id) {
  if (tenant_id.empty())
    return make_error(db_errc::invalid_argument,
                      "ensure_tenant: invalid tenant id");
  bool created = false;
  auto err = run("ensure_tenant", [&](pqxx::connection& conn) {
    detail::check_no_nul(tenant_id);
    pqxx::nontransaction tx{conn};
    auto res = tx.exec_params(
      "insert into tenants (id) values ($1) on conflict do nothing", tenant_id);
    created = res.affected_rows() == 1;
    return caf::error{};
  });
  if (err)
    return err;
  return created;
}

caf::expected<std::string>
pg_store::create_api_key(const std::string& tenant_id,
                         const std::string& role, const std::string& name) {
  if (!valid_role(role))
    return make_error(db_errc::invalid_argument,
                      "create_api_key: role must be admin, viewer or ingest");
  std::string plain;
  auto err = run("create_api_key", [&](pqxx::connection& conn) {
    detail::check_no_nul(tenant_id);
    detail::check_no_nul(name);
    for (int attempt = 0; attempt < key_attempts; ++attempt) {
      auto key = generate_api_key();
      if (!key)
        return std::move(key.error());
      try {
        pqxx::nontransaction tx{conn};
        tx.exec_params("insert into api_keys (prefix, hash, tenant_id, role, "
                       "name) values ($1, $2, $3, $4, $5)",
                       key->prefix, key->hash, tenant_id, role, name);
        plain = std::move(key->plain);
        return caf::error{};
      } catch (const pqxx::foreign_key_violation&) {
        return make_error(db_errc::invalid_argument,
                          "create_api_key: no tenant " + tenant_id);
      } catch (const pqxx::unique_violation&) {
        continue; // a prefix collision: draw again
      }
    }
    return make_error(db_errc::query_failed,
                      "create_api_key: no free prefix found");
  });
  if (err)
    return err;
  return plain;
}

caf::expected<std::optional<principal>>
pg_store::authenticate(const std::string& plain_key) {
  std::optional<principal> result;
  auto prefix = parse_api_key_prefix(plain_key);
  if (!prefix)
    return result;
  auto err = run("authenticate", [&](pqxx::connection& conn) {
    pqxx::nontransaction tx{conn};
    auto rows = tx.exec_params("select hash, tenant_id, role from api_keys "
                               "where prefix = $1 and revoked_at is null",
                               *prefix);
    if (!rows.empty()
        && api_key_matches(plain_key, rows[0][0].as<std::string>())) {
      result = principal{rows[0][1].as<std::string>(),
                         rows[0][2].as<std::string>(), *prefix};
      // When it was last used, to the minute: one write a minute per key,
      // not one per lookup.
      tx.exec_params("update api_keys set last_used_at = now() "
                     "where prefix = $1 and (last_used_at is null or "
                     "last_used_at < now() - interval '1 minute')",
                     *prefix);
    }
    return caf::error{};
  });
  if (err)
    return err;
  return result;
}

caf::expected<std::vector<api_key_info>>
pg_store::list_api_keys(const std::string& tenant_id) {
  std::vector<api_key_info> out;
  auto err = run("list_api_keys", [&](pqxx::connection& conn) {
    out.clear();
    detail::check_no_nul(tenant_id);
    pqxx::nontransaction tx{conn};
    auto rows = tx.exec_params(
      "select prefix, name, tenant_id, role, sb_ts_to_us(created_at), "
      "coalesce(sb_ts_to_us(last_used_at), 0), "
      "coalesce(sb_ts_to_us(revoked_at), 0) from api_keys "
      "where $1 = '' or tenant_id = $1 order by created_at desc, prefix",
      tenant_id);
    for (const auto& row : rows)
      out.push_back({row[0].as<std::string>(), row[1].as<std::string>(),
                     row[2].as<std::string>(), row[3].as<std::string>(),
                     row[4].as<std::int64_t>(), row[5].as<std::int64_t>(),
                     row[6].as<std::int64_t>()});
    return caf::error{};
  });
  if (err)
    return err;
  return out;
}

caf::expected<bool> pg_store::revoke_api_key(const std::string& key_prefix) {
  bool revoked = false;
  auto err = run("revoke_api_key", [&](pqxx::connection& conn) {
    detail::check_no_nul(key_prefix);
    pqxx::nontransaction tx{conn};
    auto res = tx.exec_params("update api_keys set revoked_at = now() "
                              "where prefix = $1 and revoked_at is null",
                              key_prefix);
    revoked = res.affected_rows() == 1;
    return caf::error{};
  });
  if (err)
    return err;
  return revoked;
}

} // namespace sb::db
