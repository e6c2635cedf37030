#include "switchboard/db/memory_store.hpp"

#include "batch_rules.hpp"
#include "switchboard/db/api_keys.hpp"

#include <set>

namespace sb::db {

namespace {

using guard = std::lock_guard<std::mutex>;

std::set<std::string> unique(const std::vector<std::string>& ids) {
  return {ids.begin(), ids.end()};
}

} // namespace

caf::expected<checkpoint>
memory_store::load_checkpoint(const std::string& name) {
  guard lock{mtx_};
  if (auto i = checkpoints_.find(name); i != checkpoints_.end())
    return i->second;
  checkpoint result;
  result.projection = name;
  return result;
}

caf::expected<std::vector<session_record>>
memory_store::load_sessions(const std::vector<std::string>& ids) {
  guard lock{mtx_};
  std::vector<session_record> result;
  for (const auto& id : unique(ids))
    if (auto i = sessions_.find(id); i != sessions_.end())
      for (const auto& [started_at, row] : i->second)
        result.push_back(row);
  return result;
}

caf::expected<std::vector<turn_record>>
memory_store::load_last_turns(const std::vector<std::string>& session_ids) {
  guard lock{mtx_};
  std::vector<turn_record> result;
  for (const auto& id : unique(session_ids))
    if (auto i = turns_.find(id); i != turns_.end() && !i->second.empty())
      result.push_back(i->second.rbegin()->second);
  return result;
}

caf::expected<void> memory_store::commit(const projection_batch& batch) {
  if (auto err = detail::validate(batch))
    return err;
  guard lock{mtx_};
  const auto& name = detail::projection_of(batch);
  std::uint64_t stored = 0;
  std::int32_t generation = batch.previous.generation;
  if (auto i = checkpoints_.find(name); i != checkpoints_.end()) {
    stored = i->second.position;
    generation = i->second.generation;
  }
  if (stored != batch.previous.position
      || generation != batch.previous.generation)
    return make_error(db_errc::checkpoint_conflict,
                      "commit: " + name + " is at " + std::to_string(stored)
                        + " of generation " + std::to_string(generation)
                        + ", batch expects "
                        + std::to_string(batch.previous.position));
  for (const auto* rows : {&batch.new_sessions, &batch.sessions})
    for (const auto& row : *rows)
      upsert(row);
  for (const auto* rows : {&batch.new_turns, &batch.turns})
    for (const auto& row : *rows)
      upsert(row);
  for (const auto& [id, started_at] : detail::promoted_sessions(batch))
    promote(id, started_at);
  for (const auto& row : batch.live_started)
    live_calls_.emplace(row.call_id, row); // an existing row is kept
  for (const auto& row : batch.live_changed)
    if (auto i = live_calls_.find(row.call_id); i != live_calls_.end()) {
      i->second.agent_id = row.agent_id;
      i->second.status = row.status;
      i->second.last_activity_at = row.last_activity_at;
      i->second.turn_count = row.turn_count;
      i->second.last_utterance = row.last_utterance;
    }
  for (const auto& id : batch.live_ended)
    live_calls_.erase(id);
  auto& cp = checkpoints_[name];
  cp = batch.next;
  cp.projection = name;
  return {};
}

caf::expected<std::optional<live_call_record>>
memory_store::oldest_live_call(std::uint32_t partition) {
  guard lock{mtx_};
  std::optional<live_call_record> oldest;
  for (const auto& [id, row] : live_calls_)
    if (row.partition == -1
        || row.partition == static_cast<std::int32_t>(partition))
      if (!oldest || row.first_position < oldest->first_position)
        oldest = row;
  return oldest;
}

void memory_store::upsert(const session_record& row) {
  sessions_[row.id][row.started_at] = row;
}

void memory_store::upsert(const turn_record& row) {
  auto& stored = turns_[row.session_id][{row.turn, row.session_started_at}];
  stored = row;
  stored.user_to_bot_ms = detail::normalized_latency(row.user_to_bot_ms);
  stored.llm_ttfb_ms = detail::normalized_latency(row.llm_ttfb_ms);
  stored.tts_ttfb_ms = detail::normalized_latency(row.tts_ttfb_ms);
}

void memory_store::promote(const std::string& id, std::int64_t started_at) {
  if (auto i = sessions_.find(id); i != sessions_.end())
    i->second.erase(0);
  auto i = turns_.find(id);
  if (i == turns_.end())
    return;
  auto& turns = i->second;
  for (auto j = turns.begin(); j != turns.end();) {
    if (j->first.second != 0) {
      ++j;
      continue;
    }
    auto moved = j->second;
    moved.session_started_at = started_at;
    turns.emplace(std::make_pair(moved.turn, started_at), std::move(moved));
    j = turns.erase(j);
  }
}

caf::expected<std::optional<session_record>>
memory_store::find_session(const std::string& tenant_id,
                           const std::string& id) {
  guard lock{mtx_};
  std::optional<session_record> result;
  if (auto i = sessions_.find(id); i != sessions_.end())
    for (auto j = i->second.rbegin(); j != i->second.rend(); ++j)
      if (j->second.tenant_id == tenant_id) {
        result = j->second;
        break;
      }
  return result;
}

caf::expected<std::vector<turn_record>>
memory_store::transcript(const std::string& tenant_id, const std::string& id) {
  guard lock{mtx_};
  std::vector<turn_record> result;
  if (auto i = turns_.find(id); i != turns_.end())
    for (const auto& [key, row] : i->second)
      if (row.tenant_id == tenant_id)
        result.push_back(row);
  return result;
}

caf::expected<bool> memory_store::ensure_tenant(const std::string& tenant_id) {
  if (tenant_id.empty() || tenant_id.find('\0') != std::string::npos)
    return make_error(db_errc::invalid_argument,
                      "ensure_tenant: invalid tenant id");
  guard lock{mtx_};
  return tenants_.insert(tenant_id).second;
}

caf::expected<std::string>
memory_store::create_api_key(const std::string& tenant_id,
                             const std::string& role, const std::string&) {
  if (!valid_role(role))
    return make_error(db_errc::invalid_argument,
                      "create_api_key: role must be admin, viewer or ingest");
  guard lock{mtx_};
  if (tenants_.count(tenant_id) == 0)
    return make_error(db_errc::invalid_argument,
                      "create_api_key: no tenant " + tenant_id);
  for (;;) {
    auto key = generate_api_key();
    if (!key)
      return std::move(key.error());
    if (keys_.count(key->prefix) != 0)
      continue; // a prefix collision: draw again
    keys_.emplace(key->prefix, key_row{key->hash, tenant_id, role, false});
    return std::move(key->plain);
  }
}

caf::expected<std::optional<principal>>
memory_store::authenticate(const std::string& plain_key) {
  std::optional<principal> result;
  auto prefix = parse_api_key_prefix(plain_key);
  if (!prefix)
    return result;
  guard lock{mtx_};
  auto i = keys_.find(*prefix);
  if (i == keys_.end() || i->second.revoked
      || !api_key_matches(plain_key, i->second.hash))
    return result;
  result = principal{i->second.tenant_id, i->second.role, *prefix};
  return result;
}

caf::expected<bool>
memory_store::revoke_api_key(const std::string& key_prefix) {
  guard lock{mtx_};
  auto i = keys_.find(key_prefix);
  if (i == keys_.end() || i->second.revoked)
    return false;
  i->second.revoked = true;
  return true;
}

std::size_t memory_store::session_rows() const {
  guard lock{mtx_};
  std::size_t n = 0;
  for (const auto& [id, rows] : sessions_)
    n += rows.size();
  return n;
}

} // namespace sb::db
