#pragma once

// The PostgreSQL store, over ONE libpqxx connection.
//
// Not thread-safe: make one pg_store per thread or detached actor. Every
// call blocks. libpqxx exceptions never escape: a lost connection answers
// db_errc::unavailable and the next call reconnects (once per call); every
// other failure answers db_errc::query_failed (or invalid_argument).
// The schema must be migrated first (see migrate.hpp).

#include "switchboard/db/pg_session.hpp"
#include "switchboard/db/store.hpp"

#include <caf/expected.hpp>

#include <pqxx/connection>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>

namespace sb::db {

class pg_store final : public store {
public:
  /// Connects to a libpq URL or key=value string; db_errc::unavailable if
  /// the server cannot be reached.
  static caf::expected<std::unique_ptr<pg_store>> connect(std::string url);

  ~pg_store() override;

  pg_store(const pg_store&) = delete;
  pg_store& operator=(const pg_store&) = delete;

  caf::expected<checkpoint> load_checkpoint(const std::string& name) override;

  /// Reads and writes the projection tables of `schema` (a generation,
  /// docs/adr/0007) from now on: reconnects with search_path `schema`,
  /// public. "" = the public views only.
  caf::error use_schema(const std::string& schema) override;

  caf::expected<std::vector<session_record>>
  load_sessions(const std::vector<std::string>& ids) override;

  caf::expected<std::vector<turn_record>>
  load_last_turns(const std::vector<std::string>& session_ids) override;

  /// One transaction: lock the checkpoint row, compare, create missing daily
  /// partitions, upsert sessions and turns set-wise (one statement each,
  /// arrays unnested), move turns of promoted placeholder sessions, move
  /// the checkpoint.
  caf::expected<void> commit(const projection_batch& batch) override;

  caf::expected<std::optional<live_call_record>>
  oldest_live_call(std::uint32_t partition) override;

  caf::expected<std::optional<session_record>>
  find_session(const std::string& tenant_id, const std::string& id) override;

  caf::expected<std::vector<turn_record>>
  transcript(const std::string& tenant_id, const std::string& id) override;

  caf::expected<conversation_page>
  list_conversations(const std::string& tenant_id,
                     const conversation_query& query) override;

  caf::expected<active_calls>
  list_active_calls(const std::string& tenant_id, std::size_t limit) override;

  caf::expected<std::vector<trace_record>>
  call_trace(const std::string& tenant_id, const std::string& id,
             std::int64_t started_at) override;
  caf::expected<stats_result>
  sum_stats(const std::string& tenant_id,
            const stats_request& request) override;
  caf::expected<std::vector<phrase_count>>
  top_phrases(const std::string& tenant_id,
              const std::optional<std::int64_t>& from_day,
              const std::optional<std::int64_t>& to_day,
              const std::vector<std::string>& agent_ids,
              std::size_t limit) override;
  caf::expected<std::vector<tag_count>>
  count_tags(const std::string& tenant_id, const conversation_filter& filter,
             std::size_t limit) override;
  caf::expected<std::vector<checkpoint_row>> list_checkpoints() override;
  caf::expected<std::string> api_secret(const std::string& name) override;

  caf::expected<bool> ensure_tenant(const std::string& tenant_id) override;

  caf::expected<std::string> create_api_key(const std::string& tenant_id,
                                            const std::string& role,
                                            const std::string& name) override;

  caf::expected<std::optional<principal>>
  authenticate(const std::string& plain_key) override;

  caf::expected<bool> revoke_api_key(const std::string& key_prefix) override;

  caf::expected<std::vector<api_key_info>>
  list_api_keys(const std::string& tenant_id) override;

  /// The backend's process id, or 0 while disconnected (for tests that
  /// terminate the backend).
  [[nodiscard]] int backend_pid() const;

private:
  using body = pg_session::body;

  explicit pg_store(std::string url);

  /// Runs `fn` on the session; any failure forgets the partitions known.
  caf::error run(std::string_view what, const body& fn);

  /// The body of commit(); fills `created` with partitions it made sure of.
  caf::error commit_in(pqxx::connection& conn, const projection_batch& batch,
                       std::vector<std::string>& created);

  pg_session session_;
  /// Partitions known to exist; cleared on any error.
  std::set<std::string> partitions_;
};

} // namespace sb::db
