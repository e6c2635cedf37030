#pragma once

// What the fault tests share: a log shipper that keeps retrying like a real
// one, table comparison, and polling the node's /healthz.

#include "log_builder.hpp"
#include "spine_env.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sb::test {

/// The node's lease TTL (node_options::lease_ttl_ms; `switchboard node` has
/// no flag for it).
inline constexpr auto lease_ttl = std::chrono::seconds{10};

/// What a shipper saw: every answer that was not 202, and how long each
/// request took.
struct ship_report {
  std::mutex mtx;
  std::size_t accepted_chunks = 0;
  std::vector<int> refused_statuses; ///< non-202 answers, in order
  std::size_t failed_connections = 0;
  std::chrono::milliseconds slowest_refusal{0}; ///< of the non-202 answers
  std::chrono::milliseconds slowest_accept{0};
};

/// How a shipper sends: chunks of `chunk_lines`, the next one `pace` after
/// the last was accepted (a shipper that follows a log as it is written).
struct ship_pace {
  std::size_t chunk_lines = 4000;
  std::chrono::milliseconds pace{0};
};

/// Posts the log on a thread of its own in chunks, like a log shipper: a
/// chunk that is refused (503, connection refused or reset, no answer) is
/// sent again after 100 ms until it is accepted (202). The destructor
/// cancels and joins it, so a failed assertion never leaves a running
/// thread behind.
class log_shipper {
public:
  log_shipper(spine_env& env, const built_log& log, ship_pace pace = {});
  ~log_shipper();
  log_shipper(const log_shipper&) = delete;
  log_shipper& operator=(const log_shipper&) = delete;

  /// Every chunk was accepted.
  [[nodiscard]] bool done() const { return done_; }
  /// Waits up to `timeout` for done(); joins the thread if so.
  bool wait(std::chrono::seconds timeout);
  [[nodiscard]] ship_report& report() { return report_; }
  /// Chunks accepted so far.
  [[nodiscard]] std::size_t accepted() {
    std::lock_guard<std::mutex> guard{report_.mtx};
    return report_.accepted_chunks;
  }

private:
  ship_report report_;
  std::atomic<bool> done_{false};
  std::atomic<bool> cancel_{false};
  std::thread thread_;
};

/// Ships the whole log (log_shipper) and fails the test, with the node's
/// state and log, if that takes longer than `timeout`.
void ship(spine_env& env, const built_log& log,
          std::chrono::seconds timeout = std::chrono::seconds{240});

/// `a` and `b`'s lines interleaved in proportion to their sizes; each call's
/// lines keep their order. The calls are those of both.
[[nodiscard]] built_log interleave(const built_log& a, const built_log& b);

/// The first row where two table dumps differ, both versions; empty if none.
[[nodiscard]] std::string first_difference(const std::string& a,
                                           const std::string& b);

/// /healthz's partitions_owned; -1 if the node did not answer 200.
[[nodiscard]] int partitions_owned(spine_env& env);

/// Waits up to `timeout` until the node owns `want` partitions; false if it
/// did not (or exited).
bool wait_for_partitions(spine_env& env, int want,
                         std::chrono::seconds timeout);

/// Watches the node for `duration`, four times a second: the fewest
/// partitions it owned (-1: /healthz did not answer 200 once), and whether
/// it ran all along.
struct watch_result {
  bool ran_throughout = true;
  int least_owned = -1;
};
watch_result watch_node(spine_env& env, std::chrono::seconds duration);

/// "the node still running, owns 64 partitions; its log: ..." for INFO.
[[nodiscard]] std::string node_state(spine_env& env);

/// The time a callable takes.
template <class F>
std::chrono::milliseconds time_of(F&& f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::steady_clock::now() - start);
}

} // namespace sb::test
