#pragma once

// Real servers for integration tests: a nats-server with JetStream and a
// PostgreSQL 15 cluster, each started on a free loopback port in a fresh
// temporary directory and stopped (and removed) by the destructor.

#include <chrono>
#include <string>

#include "support/process.hpp"

namespace sb::test {

/// A free TCP port on 127.0.0.1 (bound and released).
[[nodiscard]] int free_port();

class nats_server {
public:
  /// Starts nats-server -js on a free port with its store in a temp dir;
  /// waits until it accepts connections. Throws std::runtime_error on failure.
  nats_server();
  ~nats_server();
  nats_server(const nats_server&) = delete;
  nats_server& operator=(const nats_server&) = delete;

  /// e.g. "nats://127.0.0.1:4222"
  [[nodiscard]] const std::string& url() const { return url_; }

  /// Stops the server the way an operator does (SIGTERM: JetStream writes
  /// its store and the server closes every client connection), SIGKILL
  /// after `grace`. The object stays valid: url(), port() and dir() keep
  /// their values, and start() brings the same server back. No-op when
  /// stopped.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds{10});
  /// Starts the server again on the same port with the same store (after
  /// stop()); waits until it accepts connections. Throws
  /// std::runtime_error when it cannot (the port was taken meanwhile, ...).
  /// No-op while it runs.
  void start();
  /// True while the server process runs.
  [[nodiscard]] bool running();

  /// The client port, the server's pid and its temp dir (store and log).
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] int pid() const { return pid_; }
  [[nodiscard]] const std::string& dir() const { return dir_; }
  /// The server's log so far (stdout and stderr).
  [[nodiscard]] std::string log_tail() const { return process_.log_tail(); }

private:
  void cleanup() noexcept;
  /// Starts nats-server on `port` and waits up to 20 s for it; false if it
  /// exited or did not become ready (the process is then stopped).
  bool launch(int port, bool& exited);

  std::string dir_;
  std::string url_;
  std::string log_;
  int pid_ = -1;
  int port_ = 0;
  child_process process_;
};

class postgres_server {
public:
  /// initdb (as an unprivileged OS user when running as root) in a temp dir,
  /// starts postgres on a free port, creates database "switchboard", waits
  /// until it accepts connections. Throws std::runtime_error on failure.
  postgres_server();
  ~postgres_server();
  postgres_server(const postgres_server&) = delete;
  postgres_server& operator=(const postgres_server&) = delete;

  /// libpq URL, e.g. "postgresql://switchboard@127.0.0.1:5433/switchboard"
  [[nodiscard]] const std::string& url() const { return url_; }

  /// A URL for a brand-new empty database on this server (CREATE DATABASE),
  /// so tests can share one server but not their data.
  [[nodiscard]] std::string fresh_database(const std::string& name);

  /// The port, the postmaster's pid and the temp dir (data/, logs).
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] int pid() const { return pid_; }
  [[nodiscard]] const std::string& dir() const { return dir_; }
  /// The server's log so far.
  [[nodiscard]] std::string log_tail() const { return process_.log_tail(); }

private:
  void cleanup() noexcept;

  std::string dir_;
  std::string url_;
  int port_ = 0;
  int pid_ = -1;
  std::string os_user_; // runs initdb/postgres; empty: us
  child_process process_;
};

} // namespace sb::test
