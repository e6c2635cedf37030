#pragma once

// A child process for tests: the servers in servers.hpp and the switchboard
// executable that integration tests start (`build/bin/switchboard node ...`).
//
// The child gets its own process group, stdin from /dev/null, stdout and
// stderr appended to a log file, default signal handling, and no file
// descriptors of ours. It also gets SIGKILL when the thread that started it
// dies (PR_SET_PDEATHSIG), so a crashed or killed test leaves nothing behind;
// start children from a thread that lives as long as they should (the test's
// main thread).

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sb::test {

/// How a child ended: an exit code, or the signal that killed it.
struct exit_status {
  bool exited = false; ///< false while running (or never started)
  int code = -1;       ///< the exit code when it exited normally, else -1
  int signal = 0;      ///< the signal that ended it, else 0

  /// Exited normally with code 0.
  [[nodiscard]] bool clean() const { return exited && code == 0; }
  /// "exit code 1", "signal 11 (Segmentation fault)", "still running".
  [[nodiscard]] std::string describe() const;
};

class child_process {
public:
  struct options {
    /// stdout and stderr are appended here; empty: /dev/null.
    std::string log_file;
    /// Working directory of the child; empty: ours.
    std::string working_dir;
    /// Run as this OS user (needs root); empty: as we are.
    std::string user;
    /// Added to (or replacing in) our environment.
    std::vector<std::pair<std::string, std::string>> env;
  };

  child_process() = default;
  /// Starts right away; see start().
  child_process(const std::vector<std::string>& argv, const options& opts);
  /// Stops the child if it still runs (stop()).
  ~child_process();
  child_process(child_process&& other) noexcept;
  child_process& operator=(child_process&& other) noexcept;
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// Starts argv[0] (looked up with find_program()). Throws
  /// std::runtime_error when it cannot be started (not found, not
  /// executable, unknown user, ...) or when a child already runs.
  void start(const std::vector<std::string>& argv, const options& opts = {});

  /// Same, with stdout and stderr appended to log_file.
  void start(const std::vector<std::string>& argv, const std::string& log_file);

  /// The child's pid, or -1 when none was started.
  [[nodiscard]] int pid() const { return pid_; }

  /// True while the child runs (reaps it when it has exited).
  [[nodiscard]] bool is_running();

  /// Sends a signal to the child (not its group); no-op once it exited.
  void kill(int signal);

  /// Waits up to `timeout` for the child to exit; true when it has.
  bool wait_for(std::chrono::milliseconds timeout);

  /// Waits for the child to exit and returns exit_code() (or 128 + signal).
  int wait();

  /// Exit code once it exited normally; nullopt while running or if killed.
  [[nodiscard]] std::optional<int> exit_code() const;

  /// The signal that ended it; 0 while running or if it exited normally.
  [[nodiscard]] int term_signal() const;

  /// How it ended, reaping it if it has exited; `exited` is false while it
  /// runs (or is paused).
  [[nodiscard]] exit_status status();

  /// SIGSTOP: the child stops, keeps its sockets and its memory, and answers
  /// nothing until resume(). No-op once it exited.
  void pause();
  /// SIGCONT after pause().
  void resume();

  /// Sends `signal` (and SIGCONT, in case it is paused), waits up to `grace`,
  /// then SIGKILLs the child and its process group and reaps it. Never
  /// throws; no-op when not running.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds{5},
            int signal = 15 /* SIGTERM */) noexcept;

  /// The last `max_bytes` of the log file (for error messages).
  [[nodiscard]] std::string log_tail(std::size_t max_bytes = 4000) const;

  [[nodiscard]] const std::string& log_file() const { return log_file_; }

private:
  bool reap(bool block);

  int pid_ = -1;
  bool exited_ = false;
  int status_ = 0;
  std::string log_file_;
};

/// The path of an executable: `name` itself when it has a '/', else the first
/// match in PATH, then /usr/local/sbin, /usr/sbin, /sbin; empty if none.
[[nodiscard]] std::string find_program(const std::string& name);

/// The last `max_bytes` of a file; empty when it cannot be read.
[[nodiscard]] std::string file_tail(const std::string& path,
                                    std::size_t max_bytes = 4000);

/// True when 127.0.0.1:port accepts a TCP connection.
[[nodiscard]] bool port_accepts(int port);

/// True when process `pid` exists (and is not a zombie).
[[nodiscard]] bool process_alive(int pid);

} // namespace sb::test
