#pragma once

// Test doubles for the API: a store over shared in-memory data that counts
// calls and can be told to fail, and an ingest service that records what it
// was given.

#include "ingest/ingest_service.hpp"
#include "switchboard/db/store.hpp"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sb::test {

/// What every fake_store instance of one test shares.
struct fake_db {
  std::mutex mtx;
  std::map<std::string, db::principal> keys; ///< plain key -> owner
  std::vector<db::session_record> sessions;
  std::vector<db::turn_record> turns;
  std::atomic<int> stores_made{0};
  std::atomic<int> authenticate_calls{0};
  std::atomic<int> fail_next_calls{0}; ///< answer unavailable this often
  std::atomic<bool> factory_fails{false};

  /// A factory for api_config::stores (this must outlive the server).
  std::function<caf::expected<std::unique_ptr<db::store>>()> factory();
};

class fake_store final : public db::store {
public:
  explicit fake_store(fake_db* data);

  caf::expected<db::checkpoint> load_checkpoint(const std::string&) override;
  caf::expected<std::vector<db::session_record>>
  load_sessions(const std::vector<std::string>&) override;
  caf::expected<std::vector<db::turn_record>>
  load_last_turns(const std::vector<std::string>&) override;
  caf::expected<void> commit(const db::projection_batch&) override;
  caf::expected<std::optional<db::session_record>>
  find_session(const std::string& tenant_id, const std::string& id) override;
  caf::expected<std::vector<db::turn_record>>
  transcript(const std::string& tenant_id, const std::string& id) override;
  caf::expected<bool> ensure_tenant(const std::string&) override;
  caf::expected<std::string>
  create_api_key(const std::string&, const std::string&) override;
  caf::expected<std::optional<db::principal>>
  authenticate(const std::string& plain_key) override;

private:
  /// True (and counts down) if this call should fail as unavailable.
  bool should_fail();

  fake_db* data_; ///< outlives every store in a test
};

/// Records every call; answers `report` or, if `fail`, an error.
class fake_ingest final : public app::ingest_service {
public:
  caf::expected<app::ingest_report>
  ingest_pipecat(const app::ingest_request& req) override;

  caf::expected<app::ingest_report>
  ingest_signals(const std::string& tenant_id, const std::string& agent_id,
                 std::vector<signal> signals) override;

  struct pipecat_call {
    std::string tenant_id;
    std::string agent_id;
    std::string call_id;
    std::string body; ///< a copy of the bytes received
  };

  struct signals_call {
    std::string tenant_id;
    std::string agent_id;
    std::vector<signal> signals;
  };

  std::mutex mtx;
  std::vector<pipecat_call> pipecat_calls;
  std::vector<signals_call> signals_calls;
  app::ingest_report report;
  std::atomic<bool> fail{false};
};

} // namespace sb::test
