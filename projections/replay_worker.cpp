#include "replay_worker.hpp"

#include "fold_batch.hpp"

#include <chrono>

namespace sb::projections::detail {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  using namespace std::chrono;
  return duration<double>(steady_clock::now() - t0).count();
}

} // namespace

replay_worker::replay_worker(std::unique_ptr<projection> p, db::checkpoint at)
  : p_(std::move(p)), at_(std::move(at)), fenced_(at_.epochs),
    position_(at_.position) {
  thread_ = std::thread{[this] {
    run();
  }};
}

replay_worker::~replay_worker() {
  abort();
}

bool replay_worker::push(std::shared_ptr<const shared_batch> batch) {
  std::unique_lock<std::mutex> lock{mtx_};
  changed_.wait(lock, [this] { return queue_.size() < depth || error_; });
  if (error_)
    return false;
  queue_.push_back(std::move(batch));
  changed_.notify_all();
  return true;
}

bool replay_worker::finish() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    finishing_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable())
    thread_.join();
  std::lock_guard<std::mutex> guard{mtx_};
  return !error_;
}

void replay_worker::abort() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    aborting_ = true;
    queue_.clear();
  }
  changed_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

caf::error replay_worker::error() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return error_;
}

void replay_worker::run() {
  for (;;) {
    std::shared_ptr<const shared_batch> batch;
    {
      std::unique_lock<std::mutex> lock{mtx_};
      changed_.wait(lock, [this] {
        return aborting_ || finishing_ || !queue_.empty();
      });
      if (aborting_ || error_ || queue_.empty())
        return; // given up, or finishing with nothing left
      batch = queue_.front();
    }
    fold_and_commit(*batch);
    std::lock_guard<std::mutex> guard{mtx_};
    if (!queue_.empty())
      queue_.pop_front(); // abort() may have emptied it meanwhile
    changed_.notify_all();
    if (error_)
      return;
  }
}

void replay_worker::fold_and_commit(const shared_batch& batch) {
  auto next = at_;
  auto f0 = std::chrono::steady_clock::now();
  auto applied
    = fold_batch(*p_, fenced_, batch.events, batch.calls, next.position);
  if (!applied) {
    std::lock_guard<std::mutex> guard{mtx_};
    error_ = applied.error();
    return;
  }
  next.epochs = fenced_.epochs();
  folding_s_ += seconds_since(f0);
  auto c0 = std::chrono::steady_clock::now();
  if (auto err = p_->commit(at_, next, false)) {
    std::lock_guard<std::mutex> guard{mtx_};
    error_ = std::move(err);
    return;
  }
  committing_s_ += seconds_since(c0);
  at_ = std::move(next);
  position_ = at_.position;
  events_ += *applied;
}

} // namespace sb::projections::detail
