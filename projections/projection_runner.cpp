#include "switchboard/projections/projection_runner.hpp"

#include "batch_reader.hpp"

#include "switchboard/events/partitions.hpp"
#include "switchboard/events/stream_reader.hpp"
#include "switchboard/projections/sessions_fold.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <set>

namespace sb::projections {

projection_runner::projection_runner(std::shared_ptr<jetstream> js,
                                     std::unique_ptr<db::store> store,
                                     runner_settings settings)
  : js_(std::move(js)), store_(std::move(store)),
    settings_(std::move(settings)) {
}

projection_runner::~projection_runner() {
  stop();
}

bool projection_runner::start(std::string& error) {
  auto cp = store_->load_checkpoint(settings_.name);
  if (!cp) {
    error = "projection " + settings_.name
            + ": cannot load checkpoint: " + db::describe(cp.error());
    return false;
  }
  checkpoint_ = std::move(*cp);
  position_ = checkpoint_.position;
  spdlog::info("projection {}: resuming after event {}", settings_.name,
               checkpoint_.position);
  thread_ = std::thread{[this] { run(); }};
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

void projection_runner::run() {
  std::string error;
  while (!stopping_) {
    error.clear();
    if (run_pass(error))
      continue;
    spdlog::warn("projection {}: {}", settings_.name, error);
    {
      std::lock_guard<std::mutex> guard{error_mtx_};
      last_error_ = error;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

bool projection_runner::run_pass(std::string& error) {
  // The reader and the fold live for one pass of batches: a failure reopens
  // the reader at the checkpoint and drops the fold's rows, so nothing read
  // but not committed is ever skipped or kept.
  auto stream = stream_reader::open(*js_, events_stream, "sb.evt.*",
                                    checkpoint_.position + 1, error);
  if (!stream)
    return false;
  batch_reader reader{std::move(stream), settings_};
  sessions_fold fold{checkpoint_};
  std::vector<read_event> events;
  while (!stopping_) {
    if (!reader.next(events, error))
      return false;
    if (events.empty())
      continue;
    std::set<std::string> unseen;
    for (const auto& r : events)
      if (r.ok && !r.e.env.call_id.empty() && !fold.holds(r.e.env.call_id))
        unseen.insert(r.e.env.call_id);
    if (!load_rows(fold, unseen, error))
      return false;
    for (const auto& r : events) {
      if (r.ok)
        fold.apply(r.e, r.partition, r.seq);
      else
        fold.skip(r.seq);
    }
    auto batch = fold.take_batch();
    auto committed = store_->commit(batch);
    if (!committed) {
      error = "cannot commit batch: " + db::describe(committed.error());
      if (committed.error().category() == db::db_category
          && committed.error().code()
               == static_cast<std::uint8_t>(db::db_errc::checkpoint_conflict)) {
        // Another instance moved on: continue from where it stands.
        auto cp = store_->load_checkpoint(settings_.name);
        if (cp)
          checkpoint_ = std::move(*cp);
      }
      return false;
    }
    fold.trim(settings_.cached_sessions);
    checkpoint_ = batch.next;
    position_ = checkpoint_.position;
    ++batches_;
  }
  return true;
}

bool projection_runner::load_rows(sessions_fold& fold,
                                  const std::set<std::string>& call_ids,
                                  std::string& error) {
  if (call_ids.empty())
    return true;
  std::vector<std::string> ids(call_ids.begin(), call_ids.end());
  auto sessions = store_->load_sessions(ids);
  if (!sessions) {
    error = "cannot load sessions: " + db::describe(sessions.error());
    return false;
  }
  auto turns = store_->load_last_turns(ids);
  if (!turns) {
    error = "cannot load turns: " + db::describe(turns.error());
    return false;
  }
  fold.load(std::move(*sessions), std::move(*turns));
  return true;
}

} // namespace sb::projections
