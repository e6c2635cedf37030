#pragma once

// The storage interface of the projections and the API. Implementations:
// pg_store (libpqxx, the real one) and memory_store (unit tests only).
// Every call is blocking: actors call it from detached actors only.

#include "switchboard/db/analytics_query.hpp"
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

  /// The debug trace of the session that started at `started_at` (µs, as
  /// find_session gave it), in event order. Added with the read API
  /// (default: not supported; pg_store implements it).
  virtual caf::expected<std::vector<trace_record>>
  call_trace(const std::string& tenant_id, const std::string& id,
             std::int64_t started_at) {
    (void)id, (void)started_at;
    return make_error(db_errc::invalid_argument,
                      "call_trace: not supported by this store (" + tenant_id
                        + ")");
  }

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

  /// A tenant's calls summed per agent and time bucket, from the
  /// agent_stats tables where the filter allows, else over sessions
  /// (analytics_query.hpp). Added with the analytics API (default: not
  /// supported; pg_store implements it).
  virtual caf::expected<stats_result>
  sum_stats(const std::string& tenant_id, const stats_request& request) {
    (void)request;
    return make_error(db_errc::invalid_argument,
                      "sum_stats: not supported by this store (" + tenant_id
                        + ")");
  }

  /// The tenant's most said phrases over the UTC days [from_day, to_day)
  /// (µs of midnight; unset: unbounded), of those agents (none: all), most
  /// frequent first (default: not supported; pg_store implements it).
  virtual caf::expected<std::vector<phrase_count>>
  top_phrases(const std::string& tenant_id,
              const std::optional<std::int64_t>& from_day,
              const std::optional<std::int64_t>& to_day,
              const std::vector<std::string>& agent_ids, std::size_t limit) {
    (void)from_day, (void)to_day, (void)agent_ids, (void)limit;
    return make_error(db_errc::invalid_argument,
                      "top_phrases: not supported by this store (" + tenant_id
                        + ")");
  }

  /// How many of the tenant's calls that `filter` selects carry each tag,
  /// most frequent first (default: not supported; pg_store implements it).
  virtual caf::expected<std::vector<tag_count>>
  count_tags(const std::string& tenant_id, const conversation_filter& filter,
             std::size_t limit) {
    (void)filter, (void)limit;
    return make_error(db_errc::invalid_argument,
                      "count_tags: not supported by this store (" + tenant_id
                        + ")");
  }

  /// Every projection's checkpoint row (replays' included), by name
  /// (default: not supported; pg_store implements it).
  virtual caf::expected<std::vector<checkpoint_row>> list_checkpoints() {
    return make_error(db_errc::invalid_argument,
                      "list_checkpoints: not supported by this store");
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

  /// Creates a key (role admin, viewer or ingest; `name` for people, may
  /// be empty) and returns it in plain text (stored hashed only).
  virtual caf::expected<std::string>
  create_api_key(const std::string& tenant_id, const std::string& role,
                 const std::string& name) = 0;

  /// The owner of a plain key, or nullopt if no such key.
  virtual caf::expected<std::optional<principal>>
  authenticate(const std::string& plain_key) = 0;

  /// The keys of `tenant_id` (every tenant's if empty), newest first,
  /// never their secrets (default: not supported; pg_store implements it).
  virtual caf::expected<std::vector<api_key_info>>
  list_api_keys(const std::string& tenant_id) {
    return make_error(db_errc::invalid_argument,
                      "list_api_keys: not supported by this store ("
                        + tenant_id + ")");
  }

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
