#pragma once

// An in-memory store with pg_store's semantics (checkpoint compare-and-set,
// upserts keyed like the SQL primary keys, tenant filtering, hashed keys),
// for unit tests of projections and the API. Thread-safe: one mutex guards
// everything.

#include "switchboard/db/store.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>

namespace sb::db {

class memory_store final : public store {
public:
  memory_store() = default;

  caf::expected<checkpoint> load_checkpoint(const std::string& name) override;

  caf::expected<std::vector<session_record>>
  load_sessions(const std::vector<std::string>& ids) override;

  caf::expected<std::vector<turn_record>>
  load_last_turns(const std::vector<std::string>& session_ids) override;

  caf::expected<void> commit(const projection_batch& batch) override;

  caf::expected<std::optional<session_record>>
  find_session(const std::string& tenant_id, const std::string& id) override;

  caf::expected<std::vector<turn_record>>
  transcript(const std::string& tenant_id, const std::string& id) override;

  caf::expected<bool> ensure_tenant(const std::string& tenant_id) override;

  caf::expected<std::string> create_api_key(const std::string& tenant_id,
                                            const std::string& role,
                                            const std::string& name) override;

  caf::expected<std::optional<principal>>
  authenticate(const std::string& plain_key) override;

  caf::expected<bool> revoke_api_key(const std::string& key_prefix) override;

  caf::expected<std::optional<live_call_record>>
  oldest_live_call(std::uint32_t partition) override;

  /// Number of stored session rows (placeholders included), for tests.
  [[nodiscard]] std::size_t session_rows() const;

private:
  struct key_row {
    std::string hash;
    std::string tenant_id;
    std::string role;
    bool revoked = false;
  };

  /// Turns of one session by (turn, session_started_at): the SQL key.
  using turn_map = std::map<std::pair<std::int32_t, std::int64_t>, turn_record>;

  void upsert(const session_record& row);

  void upsert(const turn_record& row);

  void promote(const std::string& id, std::int64_t started_at);

  mutable std::mutex mtx_;
  std::map<std::string, checkpoint> checkpoints_;
  /// id -> started_at -> row, like the SQL key (started_at, id).
  std::map<std::string, std::map<std::int64_t, session_record>> sessions_;
  /// session id -> its turns.
  std::map<std::string, turn_map> turns_;
  std::map<std::string, live_call_record> live_calls_; ///< by call id
  std::set<std::string> tenants_;
  std::map<std::string, key_row> keys_; ///< by prefix
};

} // namespace sb::db
