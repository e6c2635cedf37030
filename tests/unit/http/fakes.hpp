#pragma once

// Test doubles for the API: a store over shared in-memory data that counts
// calls and can be told to fail, throw or block, and an ingest service that
// records what it was given and can be told to block.

#include "ingest/ingest_service.hpp"
#include "switchboard/db/store.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sb::test {

/// Holds the calls that pass it while it is shut (each at most 30 s), so a
/// test can keep handlers busy. Thread-safe.
class gate {
public:
  void shut();
  void open();
  /// Blocks while shut.
  void pass();
  /// Waits until `n` calls are held; false if that takes over 10 s.
  [[nodiscard]] bool wait_held(int n);

private:
  std::mutex mtx_;
  std::condition_variable cv_;
  bool shut_ = false;
  int held_ = 0;
};

/// Opens `g` when it goes out of scope (before a test_server declared
/// earlier stops, which waits for the handlers it holds).
struct open_on_exit {
  gate& g;
  ~open_on_exit() { g.open(); }
};

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
  std::atomic<int> find_calls{0};       ///< find_session calls
  std::atomic<int> throw_next_calls{0}; ///< throw this often
  gate find_gate; ///< find_session passes it (after counting)

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
  caf::expected<std::string> create_api_key(const std::string&,
                                            const std::string&,
                                            const std::string&) override;
  caf::expected<std::optional<db::principal>>
  authenticate(const std::string& plain_key) override;

private:
  /// True (and counts down) if this call should fail as unavailable.
  bool should_fail();

  fake_db* data_; ///< outlives every store in a test
};

/// Records every call; answers `report` or, if `fail`, an error. Blocks
/// while `hold` is shut, like a publish waiting for JetStream.
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
  gate hold; ///< both calls pass it first
};

} // namespace sb::test
