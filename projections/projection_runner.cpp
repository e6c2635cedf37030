#include "switchboard/projections/projection_runner.hpp"

#include "batch_reader.hpp"
#include "fold_batch.hpp"

#include "switchboard/db/errors.hpp"
#include "switchboard/events/partitions.hpp"
#include "switchboard/events/stream_reader.hpp"

#include <spdlog/spdlog.h>

#include <csignal>

namespace sb::projections {

projection_runner::projection_runner(std::shared_ptr<jetstream> js,
                                     std::unique_ptr<projection> p,
                                     runner_settings settings)
  : js_(std::move(js)), projection_(std::move(p)),
    settings_(std::move(settings)) {}

projection_runner::~projection_runner() {
  stop();
}

const std::string& projection_runner::name() const {
  return projection_->name();
}

bool projection_runner::start(std::string& error) {
  auto cp = projection_->begin(name());
  if (!cp) {
    error = "projection " + name()
            + ": cannot load checkpoint: " + db::describe(cp.error());
    return false;
  }
  position_ = cp->position;
  spdlog::info("projection {}: resuming after event {} (generation {})", name(),
               cp->position, cp->generation);
  thread_ = std::thread{[this] {
    run();
  }};
  return true;
}

void projection_runner::stop() {
  stopping_ = true;
  if (thread_.joinable())
    thread_.join();
}

std::string projection_runner::last_error() const {
  std::lock_guard<std::mutex> guard{error_mtx_};
  return last_error_;
}

runner_stats projection_runner::stats() const {
  return {position_, batches_, events_, last_error()};
}

void projection_runner::set_error(std::string error) {
  std::lock_guard<std::mutex> guard{error_mtx_};
  last_error_ = std::move(error);
}

void projection_runner::run() {
  std::string error;
  while (!stopping_) {
    error.clear();
    if (run_pass(error))
      continue;
    spdlog::warn("projection {}: {}", name(), error);
    set_error(error);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

bool projection_runner::run_pass(std::string& error) {
  // The reader and the fold live for one pass of batches: a failure reopens
  // the reader at the stored checkpoint and drops the fold's rows, so
  // nothing read but not committed is ever skipped or kept.
  auto cp = projection_->begin(name());
  if (!cp) {
    error = "cannot load checkpoint: " + db::describe(cp.error());
    return false;
  }
  auto previous = std::move(*cp);
  if (previous.position != position_)
    spdlog::info("projection {}: continues after event {} (generation {})",
                 name(), previous.position, previous.generation);
  position_ = previous.position;
  auto stream = stream_reader::open(*js_, events_stream, "sb.evt.*",
                                    previous.position + 1, error);
  if (!stream)
    return false;
  batch_reader reader{std::move(stream), settings_, name()};
  fence f{previous.epochs};
  std::vector<read_event> events;
  while (!stopping_) {
    if (!reader.next(events, error))
      return false;
    if (events.empty())
      continue;
    auto next = previous;
    auto applied = detail::fold_batch(*projection_, f, events, next.position);
    if (!applied) {
      error = "cannot load stored rows: " + db::describe(applied.error());
      return false;
    }
    next.epochs = f.epochs();
    if (auto err = projection_->commit(previous, next, false)) {
      // A conflict: another instance or a replay's swap moved the
      // checkpoint; the next pass goes on from where it stands.
      error = "cannot commit batch: " + db::describe(err);
      return false;
    }
    previous = std::move(next);
    position_ = previous.position;
    events_ += *applied;
    if (++batches_ == settings_.kill_after_batches) {
      spdlog::warn("projection {}: failpoint: killed after batch {}", name(),
                   batches_.load());
      std::raise(SIGKILL);
    }
    if (!last_error().empty())
      set_error({});
  }
  return true;
}

} // namespace sb::projections
