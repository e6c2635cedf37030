#pragma once

// A whole Switchboard for integration tests: a real nats-server, a real
// PostgreSQL, and the real `switchboard node` executable, started the way
// ops/up starts them (migrate, create a key, run a node).

#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/servers.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace sb::test {

struct spine_options {
  double inactivity_timeout_s = 2;
  double linger_s = 0.5;
  /// More `switchboard node` flags, appended to those the env passes
  /// (`switchboard node --help` lists them).
  std::vector<std::string> node_args = {};
};

class spine_env {
public:
  explicit spine_env(spine_options options = {});
  ~spine_env();

  /// Starts `switchboard node` (with `extra_args` after the options'
  /// node_args, for this start only) and waits until /healthz answers 200.
  void start_node(const std::vector<std::string>& extra_args = {});
  /// SIGKILL, no goodbye.
  void kill_node();
  /// SIGTERM, wait up to `grace` for the node to exit (then SIGKILL), and
  /// say how it ended.
  exit_status stop_node(std::chrono::seconds grace = std::chrono::seconds{10});
  /// SIGSTOP / SIGCONT the node: a stall (a long GC-like pause, a VM
  /// migration), not a stop.
  void pause_node();
  void resume_node();
  /// True while the node process runs (also while it is paused).
  bool node_running();
  /// How the node ended; `exited` is false while it runs.
  exit_status node_status();
  [[nodiscard]] int node_pid() const { return node_.pid(); }

  /// POST /v1/ingest/pipecat?<query> with the admin key.
  http_response ingest(const std::string& body, const std::string& query);
  /// GET with the admin key.
  http_response get(const std::string& target);
  /// GET with another key (e.g. of create_key).
  http_response get_as(const std::string& key, const std::string& target);
  /// `switchboard keys create` for another tenant or role; the plain key.
  std::string create_key(const std::string& tenant, const std::string& role);
  nlohmann::json health();

  /// Waits until every stored signal became events and every event reached
  /// PostgreSQL: no live calls, nothing unacknowledged, projection at the
  /// head of SB_EVENTS. Fails the test on timeout.
  void wait_until_settled(std::chrono::seconds timeout);

  /// The last sequence of SB_EVENTS.
  std::uint64_t events_head();
  /// Messages in SB_SIGNALS: stored, not yet acknowledged by a call.
  std::uint64_t signals_pending();

  /// Every row of sessions and turns, as text, in a stable order.
  std::string dump_tables();

  /// One query's single value, as text ("" for NULL or no row).
  std::string query_value(const std::string& sql);

  const std::string& key() const { return key_; }
  const std::string& pg_url() const { return pg_url_; }
  const std::string& nats_url() const { return nats_.url(); }
  /// The env's nats-server, to stop and start again (same port and store).
  nats_server& nats() { return nats_; }
  int node_port() const { return node_port_; }
  std::string node_log(std::size_t max_bytes = 8000) const {
    return node_.log_tail(max_bytes);
  }

  /// Runs `switchboard <args>`; its output (the line starting "sb_" if
  /// there is one). Throws if it fails.
  std::string run_cli(const std::vector<std::string>& args);

private:

  spine_options options_;
  nats_server nats_;
  postgres_server pg_;
  std::string pg_url_;
  std::string key_;
  std::string dir_;
  int node_port_ = 0;
  int node_starts_ = 0;
  child_process node_;
};

/// The switchboard executable of this build, or $SB_SWITCHBOARD_BIN when set.
[[nodiscard]] std::string switchboard_binary();

/// A file of tests/fixtures, read whole.
[[nodiscard]] std::string read_fixture(const std::string& relative_path);

} // namespace sb::test
