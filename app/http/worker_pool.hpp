#pragma once

// A fixed set of threads running blocking jobs (HTTP handlers), holding at
// most `threads + max_queued` jobs at once. A caller first asks for a place
// (`try_admit`), so it can refuse a request before reading its body, and
// posts the job once it has it. A full pool refuses at once: nothing waits
// in an unbounded queue. The server keeps one pool per lane (health, reads,
// ingest), so a lane whose handlers block cannot delay the others.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sb::app::http {

class worker_pool {
public:
  using job = std::function<void()>;

  /// A place in the pool; given back when destroyed unless `post` used it.
  class ticket {
  public:
    ticket() = default;
    ticket(ticket&& other) noexcept;
    ticket& operator=(ticket&& other) noexcept;
    ticket(const ticket&) = delete;
    ticket& operator=(const ticket&) = delete;
    ~ticket();

    /// False if the pool was full or stopped.
    explicit operator bool() const noexcept { return pool_ != nullptr; }

  private:
    friend class worker_pool;
    explicit ticket(worker_pool* pool) noexcept : pool_(pool) {}
    worker_pool* pool_ = nullptr;
  };

  /// Starts `threads` (at least 1) threads named `name` (at most 15 chars
  /// show in `top -H`).
  worker_pool(std::string name, std::size_t threads, std::size_t max_queued);
  ~worker_pool(); ///< stop()
  worker_pool(const worker_pool&) = delete;
  worker_pool& operator=(const worker_pool&) = delete;

  /// A place for one job, or an empty ticket when `threads + max_queued`
  /// jobs are held (running, queued, or admitted and not yet posted) or the
  /// pool is stopping. Thread-safe; never blocks.
  [[nodiscard]] ticket try_admit();

  /// Queues `j` on the place `t` holds (which must be non-empty). After
  /// stop() the job is dropped. A job's exceptions are caught and logged.
  void post(ticket t, job j);

  /// Refuses new admissions, runs every job already queued, joins the
  /// threads. Idempotent. Not from one of the pool's own threads.
  void stop();

  /// Jobs held right now (for tests and logs).
  [[nodiscard]] std::size_t held() const;

  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

private:
  void give_back() noexcept;
  void run();

  std::string name_;
  std::size_t capacity_;
  mutable std::mutex mtx_;
  std::condition_variable ready_;
  std::deque<job> queue_;
  std::size_t held_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

} // namespace sb::app::http
