#pragma once

// The storage interface of the projections and the API. Implementations:
// pg_store (libpqxx, the real one) and memory_store (unit tests only).
// Every call is blocking: actors call it from detached actors only.

#include "switchboard/db/conversation_query.hpp"
#include "switchboard/db/errors.hpp"
#include "switchboard/db/records.hpp"

#include <caf/expected.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sb::db {

class store {
public:
  virtual ~store() = default;

  // -- projection side ------------------------------------------------------

  /// The stored checkpoint, or position 0 and no epochs if none yet.
  virtual caf::expected<checkpoint> load_checkpoint(const std::string& name)
    = 0;

  /// Reads and writes the projection tables of `schema` (one generation of
  /// a projection, docs/adr/0007) from now on. The default (one generation
  /// only, as in memory_store) accepts any schema.
  virtual caf::error use_schema(const std::string& schema) {
    (void)schema;
    return caf::none;
  }

  /// The rows of those sessions that exist (any order).
  virtual caf::expected<std::vector<session_record>>
  load_sessions(const std::vector<std::string>& ids) = 0;

  /// The last turn of each of those sessions that has one.
  virtual caf::expected<std::vector<turn_record>>
  load_last_turns(const std::vector<std::string>& session_ids) = 0;

  /// Upserts the batch's rows and moves the checkpoint, atomically. Fails
  /// with db_errc::checkpoint_conflict, writing nothing, if the stored
  /// checkpoint position is not batch.previous.position.
  virtual caf::expected<void> commit(const projection_batch& batch) = 0;

  /// The live call of `partition` whose events begin first (rows of
  /// partition -1 count for every partition), or nullopt if it has none.
  /// Added with live_calls: the default answers db_errc::invalid_argument;
  /// pg_store and memory_store implement it.
  virtual caf::expected<std::optional<live_call_record>>
  oldest_live_call(std::uint32_t partition) {
    return make_error(db_errc::invalid_argument,
                      "oldest_live_call: not supported by this store ("
                        + std::to_string(partition) + ")");
  }

  // -- API side -------------------------------------------------------------

  virtual caf::expected<std::optional<session_record>>
  find_session(const std::string& tenant_id, const std::string& id) = 0;

  /// The session's turns in turn order.
  virtual caf::expected<std::vector<turn_record>>
  transcript(const std::string& tenant_id, const std::string& id) = 0;

  /// One page of the tenant's sessions (`GET /v1/conversations`). Added
  /// with the read API: the default answers db_errc::invalid_argument;
  /// pg_store implements it.
  virtual caf::expected<conversation_page>
  list_conversations(const std::string& tenant_id,
                     const conversation_query& query) {
    (void)query;
    return make_error(db_errc::invalid_argument,
                      "list_conversations: not supported by this store ("
                        + tenant_id + ")");
  }

  /// The tenant's live calls, newest first, at most `limit` of them, and
  /// how many there are. Added with the read API (default: not supported;
  /// pg_store implements it).
  virtual caf::expected<active_calls>
  list_active_calls(const std::string& tenant_id, std::size_t limit) {
    (void)limit;
    return make_error(db_errc::invalid_argument,
                      "list_active_calls: not supported by this store ("
                        + tenant_id + ")");
  }

  /// A secret the API nodes share (table api_secrets), e.g. "cursor",
  /// which signs page cursors. Added with the read API: the default
  /// answers db_errc::invalid_argument; pg_store and memory_store
  /// implement it.
  virtual caf::expected<std::string> api_secret(const std::string& name) {
    return make_error(db_errc::invalid_argument,
                      "api_secret: not supported by this store (" + name
                        + ")");
  }

  // -- tenants and keys -----------------------------------------------------

  /// Creates the tenant if missing; true if it was created now.
  virtual caf::expected<bool> ensure_tenant(const std::string& tenant_id) = 0;

  /// Creates a key and returns it in plain text (stored hashed only).
  virtual caf::expected<std::string>
  create_api_key(const std::string& tenant_id, const std::string& role) = 0;

  /// The owner of a plain key, or nullopt if no such key.
  virtual caf::expected<std::optional<principal>>
  authenticate(const std::string& plain_key) = 0;

  /// Revokes the key with this prefix; true if a live key was revoked now.
  /// Added after the first version of this interface: the default answers
  /// db_errc::invalid_argument; pg_store and memory_store implement it.
  virtual caf::expected<bool> revoke_api_key(const std::string& key_prefix) {
    return make_error(db_errc::invalid_argument,
                      "revoke_api_key: not supported by this store ("
                        + key_prefix + ")");
  }
};

} // namespace sb::db
