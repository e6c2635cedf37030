#pragma once

// One libpqxx connection to PostgreSQL with what every writer of this
// folder's callers needs around it: reconnect on the next call after a lost
// connection, exceptions turned into db_errc errors at this boundary, a
// search path (a projection's generation schema, docs/adr/0007), and the
// checkpointed transaction of a projection batch.
//
// Not thread-safe: one per thread. Every call blocks.

#include "switchboard/db/errors.hpp"
#include "switchboard/db/records.hpp"

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <pqxx/connection>
#include <pqxx/transaction>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sb::db {

class pg_session {
public:
  using body = std::function<caf::error(pqxx::connection&)>;
  using setup = std::function<void(pqxx::connection&)>;

  /// `on_connect` runs on every new connection (e.g. to prepare statements).
  explicit pg_session(std::string url, setup on_connect = {});

  /// Opens the connection now; db_errc::unavailable if it cannot.
  caf::error open();

  /// From now on, tables are looked up in `schema` first, then public ("":
  /// public only). Reconnects, so nothing prepared under the old path stays.
  caf::error use_schema(const std::string& schema);
  [[nodiscard]] const std::string& schema() const noexcept { return schema_; }

  /// Runs `fn` on an open connection (reconnecting first if the last one
  /// broke) and turns exceptions into errors named after `what`: a lost
  /// connection is db_errc::unavailable, any other failure `otherwise`.
  caf::error run(std::string_view what, const body& fn,
                 db_errc otherwise = db_errc::query_failed);

  [[nodiscard]] bool connected() const noexcept { return conn_ != nullptr; }
  [[nodiscard]] int backend_pid() const;

private:
  std::string url_;
  setup on_connect_;
  std::string schema_;
  std::unique_ptr<pqxx::connection> conn_;
};

/// A projection's stored checkpoint (position 0, generation 1 and no epochs
/// if it has none). Throws.
[[nodiscard]] checkpoint read_checkpoint(pqxx::transaction_base& tx,
                                         const std::string& name);

/// Every projection's checkpoint row (replays' rows included), by name.
[[nodiscard]] caf::expected<std::vector<checkpoint_row>>
list_checkpoints(pg_session& db);

/// The transaction of one projection batch: locks `previous.projection`'s
/// checkpoint row (creating it at position 0 when `previous.position` is
/// 0), checks that it still holds `previous` (position and generation),
/// runs `write`, moves the row to `next`, commits. A row that moved on
/// answers db_errc::checkpoint_conflict and nothing is written. Throws
/// what `write` throws.
caf::error commit_checkpointed(pqxx::connection& conn,
                               const checkpoint& previous,
                               const checkpoint& next,
                               const std::function<void(pqxx::work&)>& write);

} // namespace sb::db
