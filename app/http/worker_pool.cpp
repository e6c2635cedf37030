#include "http/worker_pool.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <utility>

namespace sb::app::http {

worker_pool::ticket::ticket(ticket&& other) noexcept
  : pool_(std::exchange(other.pool_, nullptr)) {
  // nop
}

worker_pool::ticket& worker_pool::ticket::operator=(ticket&& other) noexcept {
  if (this != &other) {
    if (pool_ != nullptr)
      pool_->give_back();
    pool_ = std::exchange(other.pool_, nullptr);
  }
  return *this;
}

worker_pool::ticket::~ticket() {
  if (pool_ != nullptr)
    pool_->give_back();
}

worker_pool::worker_pool(std::string name, std::size_t threads,
                         std::size_t max_queued)
  : name_(std::move(name)) {
  threads = std::max<std::size_t>(threads, 1);
  capacity_ = threads + max_queued;
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i)
    threads_.emplace_back([this] { run(); });
}

worker_pool::~worker_pool() {
  stop();
}

worker_pool::ticket worker_pool::try_admit() {
  std::lock_guard<std::mutex> guard{mtx_};
  if (stopping_ || held_ >= capacity_)
    return ticket{};
  ++held_;
  return ticket{this};
}

void worker_pool::post(ticket t, job j) {
  if (!t)
    return;
  t.pool_ = nullptr; // the place now belongs to the job
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (!stopping_) {
      queue_.push_back(std::move(j));
      ready_.notify_one();
      return;
    }
  }
  give_back(); // stopped: the job is dropped (outside the lock: it may
  j = nullptr; // hold the last reference to a connection)
}

void worker_pool::stop() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (stopping_ && threads_.empty())
      return;
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& t : threads_)
    if (t.joinable())
      t.join();
  threads_.clear();
}

std::size_t worker_pool::held() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return held_;
}

void worker_pool::give_back() noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  --held_;
}

void worker_pool::run() {
  pthread_setname_np(pthread_self(), name_.substr(0, 15).c_str());
  for (;;) {
    job j;
    {
      std::unique_lock<std::mutex> guard{mtx_};
      ready_.wait(guard, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty())
        return; // stopping, and everything queued has run
      j = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      j();
    } catch (const std::exception& e) {
      spdlog::error("api: a job of pool {} threw: {}", name_, e.what());
    } catch (...) {
      spdlog::error("api: a job of pool {} threw", name_);
    }
    j = nullptr; // its captures go before the place is given back
    give_back();
  }
}

} // namespace sb::app::http
