#include "switchboard/projections/pg_writer.hpp"

#include "switchboard/db/generations.hpp"

#include <pqxx/nontransaction>

namespace sb::projections {

pg_writer::pg_writer(std::string projection, std::string pg_url)
  : projection_(std::move(projection)), db_(std::move(pg_url)) {}

caf::expected<db::checkpoint> pg_writer::begin(const std::string& row) {
  db::checkpoint cp;
  auto err = db_.run("load_checkpoint", [&](pqxx::connection& conn) {
    pqxx::nontransaction tx{conn};
    cp = db::read_checkpoint(tx, row);
    return caf::error{};
  });
  if (err)
    return err;
  if (auto err = db_.use_schema(schema_of(cp.generation)))
    return err;
  return cp;
}

caf::error
pg_writer::read(std::string_view what,
                const std::function<void(pqxx::transaction_base&)>& fn) {
  return db_.run(what, [&](pqxx::connection& conn) {
    pqxx::nontransaction tx{conn};
    fn(tx);
    return caf::error{};
  });
}

caf::error pg_writer::commit(const db::checkpoint& previous,
                             const db::checkpoint& next,
                             const std::function<void(pqxx::work&)>& write) {
  auto schema = schema_of(previous.generation);
  return db_.run("commit " + projection_, [&](pqxx::connection& conn) {
    return db::commit_checkpointed(conn, previous, next, [&](pqxx::work& tx) {
      tx.exec("set local search_path to " + tx.quote_name(schema) + ", public");
      write(tx);
    });
  });
}

std::string pg_writer::schema_of(std::int32_t generation) const {
  return db::generation_schema(projection_, generation);
}

} // namespace sb::projections
