#include "switchboard/db/generations.hpp"

#include "pg_util.hpp"

#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/transaction>

#include <spdlog/spdlog.h>

namespace sb::db {

namespace {

/// Serializes replays' schema changes ("sbgenera").
constexpr std::int64_t generation_lock_key = 0x736267656e657261;

std::string qualified(pqxx::transaction_base& tx, const std::string& schema,
                      const std::string& table) {
  return tx.quote_name(schema) + "." + tx.quote_name(table);
}

/// The live generation's table's partition key ("RANGE (started_at)"), or
/// "" if it is not partitioned. Throws if the table does not exist.
std::string partition_key(pqxx::transaction_base& tx, const std::string& schema,
                          const std::string& table) {
  auto rows = tx.exec_params(
    "select c.relkind, "
    "       case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end "
    "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
    "where n.nspname = $1 and c.relname = $2",
    schema, table);
  if (rows.empty())
    throw std::invalid_argument("no table " + schema + "." + table);
  return rows[0][1].is_null() ? "" : rows[0][1].as<std::string>();
}

} // namespace

std::string generation_schema(const std::string& projection,
                              std::int32_t generation) {
  return "sb_" + projection + "_g" + std::to_string(generation);
}

std::string replay_checkpoint_name(const std::string& projection) {
  return "replay:" + projection;
}

caf::error create_shadow(pg_session& db, const projection_tables& of,
                         std::int32_t live, std::int32_t shadow) {
  return db.run("create_shadow", [&](pqxx::connection& conn) {
    auto from = generation_schema(of.projection, live);
    auto to = generation_schema(of.projection, shadow);
    pqxx::work tx{conn};
    tx.exec_params("select pg_advisory_xact_lock($1)", generation_lock_key);
    tx.exec("drop schema if exists " + tx.quote_name(to) + " cascade");
    tx.exec_params("delete from projection_checkpoints where projection = $1",
                   replay_checkpoint_name(of.projection));
    tx.exec("create schema " + tx.quote_name(to));
    for (const auto& table : of.tables) {
      auto key = partition_key(tx, from, table);
      tx.exec("create table " + qualified(tx, to, table) + " (like "
              + qualified(tx, from, table) + " including all)"
              + (key.empty() ? "" : " partition by " + key));
    }
    tx.exec_params("insert into projection_checkpoints (projection, position,"
                   " generation) values ($1, 0, $2)",
                   replay_checkpoint_name(of.projection), shadow);
    tx.commit();
    return caf::error{};
  });
}

caf::error drop_shadow(pg_session& db, const std::string& projection,
                       std::int32_t shadow) {
  return db.run("drop_shadow", [&](pqxx::connection& conn) {
    pqxx::work tx{conn};
    tx.exec_params("select pg_advisory_xact_lock($1)", generation_lock_key);
    tx.exec("drop schema if exists "
            + tx.quote_name(generation_schema(projection, shadow))
            + " cascade");
    tx.exec_params("delete from projection_checkpoints where projection = $1",
                   replay_checkpoint_name(projection));
    tx.commit();
    return caf::error{};
  });
}

caf::error swap_in(pg_session& db, const std::vector<swap_item>& items,
                   std::vector<std::int32_t>* replaced) {
  std::vector<std::pair<std::string, std::int32_t>> old;
  auto err = db.run("swap", [&](pqxx::connection& conn) {
    old.clear();
    pqxx::work tx{conn};
    tx.exec_params("select pg_advisory_xact_lock($1)", generation_lock_key);
    for (const auto& item : items) {
      const auto& name = item.of.projection;
      // Holding the live row stops the live projection from committing to
      // the old generation until the views point at the new one.
      auto rows = tx.exec_params("select generation from "
                                 "projection_checkpoints where projection = "
                                 "$1 for update",
                                 name);
      auto live = rows.empty() ? 1 : rows[0][0].as<std::int32_t>();
      if (live == item.replayed.generation)
        throw std::invalid_argument("swap: " + name
                                    + " already runs on "
                                      "generation "
                                    + std::to_string(live));
      auto schema = generation_schema(name, item.replayed.generation);
      for (const auto& table : item.of.tables) {
        auto view = tx.exec_params("select 1 from pg_views where schemaname "
                                   "= 'public' and viewname = $1",
                                   table);
        if (view.empty())
          continue; // bookkeeping of the projection, not read by the API
        tx.exec("create or replace view public." + tx.quote_name(table)
                + " as select * from " + qualified(tx, schema, table));
      }
      auto replayed = item.replayed;
      replayed.projection = name;
      tx.exec_params(
        "insert into projection_checkpoints (projection, position, epochs, "
        "generation) values ($1, $2, $3::jsonb, $4) "
        "on conflict (projection) do update set position = excluded.position,"
        " epochs = excluded.epochs, generation = excluded.generation, "
        "updated_at = now()",
        name, static_cast<std::int64_t>(replayed.position),
        detail::epochs_json(replayed.epochs), replayed.generation);
      tx.exec_params("delete from projection_checkpoints where projection = "
                     "$1",
                     replay_checkpoint_name(name));
      old.emplace_back(name, live);
    }
    tx.commit();
    return caf::error{};
  });
  if (err)
    return err;
  for (const auto& [name, generation] : old) {
    if (replaced != nullptr)
      replaced->push_back(generation);
    auto dropped = db.run("drop old generation", [&](pqxx::connection& conn) {
      pqxx::nontransaction tx{conn};
      tx.exec("drop schema if exists "
              + tx.quote_name(generation_schema(name, generation))
              + " cascade");
      return caf::error{};
    });
    if (dropped)
      spdlog::warn("[db] {}: old generation {} not dropped: {}", name,
                   generation, describe(dropped));
  }
  return caf::none;
}

} // namespace sb::db
