#include "switchboard/db/pg_session.hpp"

#include "pg_util.hpp"

#include <pqxx/nontransaction>
#include <pqxx/result>

#include <spdlog/spdlog.h>

#include <optional>
#include <utility>

namespace sb::db {

namespace {

/// The stored position and generation, locked until the transaction ends;
/// creates the row at position 0 of `generation` if missing and `create`
/// holds. nullopt: no row.
std::optional<std::pair<std::uint64_t, std::int32_t>>
lock_checkpoint(pqxx::work& tx, const std::string& name, bool create,
                std::int32_t generation) {
  constexpr const char* select_sql = "select position, generation from "
                                     "projection_checkpoints where "
                                     "projection = $1 for update";
  auto rows = tx.exec_params(select_sql, name);
  if (rows.empty() && create) {
    tx.exec_params("insert into projection_checkpoints (projection, position,"
                   " generation) values ($1, 0, $2) on conflict do nothing",
                   name, generation);
    rows = tx.exec_params(select_sql, name);
  }
  if (rows.empty())
    return std::nullopt;
  return std::make_pair(rows[0][0].as<std::uint64_t>(),
                        rows[0][1].as<std::int32_t>());
}

} // namespace

pg_session::pg_session(std::string url, setup on_connect)
  : url_(std::move(url)), on_connect_(std::move(on_connect)) {}

caf::error pg_session::open() {
  try {
    conn_ = detail::open_connection(url_);
    if (!schema_.empty()) {
      detail::check_no_nul(schema_);
      pqxx::nontransaction tx{*conn_};
      tx.exec("set search_path to " + tx.quote_name(schema_) + ", public");
      tx.commit();
    }
    if (on_connect_)
      on_connect_(*conn_);
    return caf::none;
  } catch (...) {
    conn_.reset();
    return detail::translate_current_exception("connect", db_errc::unavailable);
  }
}

caf::error pg_session::use_schema(const std::string& schema) {
  if (schema == schema_ && conn_)
    return caf::none;
  schema_ = schema;
  conn_.reset();
  return open();
}

caf::error pg_session::run(std::string_view what, const body& fn,
                           db_errc otherwise) {
  if (!conn_) {
    if (auto err = open())
      return err;
    spdlog::info("[db] reconnected");
  }
  try {
    return fn(*conn_);
  } catch (...) {
    auto err = detail::translate_current_exception(what, otherwise);
    if (detail::current_exception_is_disconnect() || !conn_->is_open()) {
      conn_.reset();
      if (err.code() != static_cast<std::uint8_t>(db_errc::unavailable))
        err = make_error(db_errc::unavailable, describe(err));
      spdlog::warn("[db] connection lost: {}", describe(err));
    }
    return err;
  }
}

int pg_session::backend_pid() const {
  return conn_ ? conn_->backendpid() : 0;
}

checkpoint read_checkpoint(pqxx::transaction_base& tx,
                           const std::string& name) {
  detail::check_no_nul(name);
  checkpoint result;
  result.projection = name;
  auto rows = tx.exec_params("select p.position, p.generation, e.key, e.value "
                             "from projection_checkpoints p "
                             "left join lateral jsonb_each_text(p.epochs) e "
                             "on true where p.projection = $1",
                             name);
  for (const auto& row : rows) {
    result.position = row[0].as<std::uint64_t>();
    result.generation = row[1].as<std::int32_t>();
    if (!row[2].is_null())
      result.epochs[row[2].as<std::uint32_t>()] = row[3].as<std::uint64_t>();
  }
  return result;
}

caf::expected<std::vector<checkpoint_row>> list_checkpoints(pg_session& db) {
  std::vector<checkpoint_row> out;
  auto err = db.run("list_checkpoints", [&](pqxx::connection& conn) {
    out.clear();
    pqxx::nontransaction tx{conn};
    auto rows = tx.exec("select projection, position, generation, "
                        "sb_ts_to_us(updated_at) from projection_checkpoints "
                        "order by projection");
    for (const auto& row : rows) {
      checkpoint_row r;
      r.at.projection = row[0].as<std::string>();
      r.at.position = row[1].as<std::uint64_t>();
      r.at.generation = row[2].as<std::int32_t>();
      r.updated_at = row[3].as<std::int64_t>();
      out.push_back(std::move(r));
    }
    return caf::error{};
  });
  if (err)
    return err;
  return out;
}

caf::error commit_checkpointed(pqxx::connection& conn,
                               const checkpoint& previous,
                               const checkpoint& next,
                               const std::function<void(pqxx::work&)>& write) {
  const auto& name = next.projection;
  pqxx::work tx{conn};
  auto stored
    = lock_checkpoint(tx, name, previous.position == 0, previous.generation);
  if (!stored || stored->first != previous.position
      || stored->second != previous.generation)
    return make_error(
      db_errc::checkpoint_conflict,
      "commit: " + name + " is at "
        + (stored ? std::to_string(stored->first) + " of generation "
                      + std::to_string(stored->second)
                  : "no checkpoint")
        + ", batch expects " + std::to_string(previous.position)
        + " of generation " + std::to_string(previous.generation));
  write(tx);
  tx.exec_params("update projection_checkpoints set position = $2, "
                 "epochs = $3::jsonb, generation = $4, updated_at = now() "
                 "where projection = $1",
                 name, static_cast<std::int64_t>(next.position),
                 detail::epochs_json(next.epochs), next.generation);
  tx.commit();
  return caf::none;
}

} // namespace sb::db
