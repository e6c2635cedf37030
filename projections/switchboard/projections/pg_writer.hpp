#pragma once

// What a projection's PostgreSQL writer does around its own rows: reads its
// checkpoint row and follows the generation it names (docs/adr/0007), then
// writes each batch in the checkpointed transaction, on the tables of the
// generation the batch's `previous` checkpoint belongs to (a replay's
// shadow or the live one). The projections that write through db::store
// (sessions) get the same from pg_store.

#include "switchboard/db/pg_session.hpp"
#include "switchboard/db/records.hpp"

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <pqxx/transaction>

#include <functional>
#include <string>

namespace sb::projections {

class pg_writer {
public:
  /// `projection`: the name of its generation schemas (sb_<name>_gN).
  pg_writer(std::string projection, std::string pg_url);

  /// Reads checkpoint row `row` and sets the search path to the schema of
  /// its generation. db_errc::unavailable when PostgreSQL cannot be reached.
  caf::expected<db::checkpoint> begin(const std::string& row);

  /// Runs `fn` outside any batch, on the generation begin() found (to load
  /// per-call state). Exceptions become errors named after `what`.
  caf::error read(std::string_view what,
                  const std::function<void(pqxx::transaction_base&)>& fn);

  /// One transaction: checks and moves the checkpoint from `previous` to
  /// `next` (db_errc::checkpoint_conflict when the row moved on) around
  /// `write`, which sees the tables of `previous.generation` first on its
  /// search path.
  caf::error commit(const db::checkpoint& previous, const db::checkpoint& next,
                    const std::function<void(pqxx::work&)>& write);

  /// "sb_<projection>_g<generation>".
  [[nodiscard]] std::string schema_of(std::int32_t generation) const;

private:
  std::string projection_;
  db::pg_session db_;
};

} // namespace sb::projections
