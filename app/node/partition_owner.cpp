#include "node/partition_owner.hpp"

#include "switchboard/events/codec.hpp"
#include "switchboard/events/partitions.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <limits>

namespace sb::app {

namespace {

std::int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch())
    .count();
}

} // namespace

partition_owner::partition_owner(caf::actor_system& sys,
                                 std::shared_ptr<jetstream> js,
                                 router::lease_keeper& leases,
                                 router::signal_feed& feed,
                                 sb::call_router router,
                                 std::unique_ptr<db::store> store,
                                 ownership_settings settings)
  : sys_(sys), js_(std::move(js)), leases_(leases), feed_(feed),
    router_(std::move(router)), store_(std::move(store)),
    settings_(std::move(settings)) {}

partition_owner::~partition_owner() {
  stop();
}

void partition_owner::start() {
  take_free();
  spdlog::info("node {}: owns {} of {} partitions", settings_.node_id,
               owned_.size(), settings_.partitions);
  thread_ = std::thread{[this] {
    run();
  }};
}

void partition_owner::stop() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

void partition_owner::lost(std::uint32_t partition, std::string why) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    lost_.emplace_back(partition, std::move(why));
  }
  wake_.notify_all();
}

void partition_owner::run() {
  std::unique_lock<std::mutex> lock{mtx_};
  while (!stopping_) {
    wake_.wait_for(lock, settings_.retry,
                   [this] { return stopping_ || !lost_.empty(); });
    if (stopping_)
      break;
    auto lost = std::move(lost_);
    lost_.clear();
    lock.unlock();
    for (auto& [partition, why] : lost) {
      spdlog::warn("node {}: partition {}: {}; letting it go and taking it "
                   "again when it is free",
                   settings_.node_id, partition, why);
      let_go(partition);
    }
    take_free();
    lock.lock();
  }
}

void partition_owner::take_free() {
  std::size_t taken = 0, elsewhere = 0, failed = 0;
  std::string last_error;
  for (std::uint32_t p = 0; p < settings_.partitions; ++p) {
    if (owned_.count(p) > 0)
      continue;
    {
      std::lock_guard<std::mutex> guard{mtx_};
      if (stopping_)
        return;
    }
    if (!js_->connected()) { // every attempt would wait for its timeout
      ++failed;
      last_error = "NATS is not connected";
      break;
    }
    std::string error;
    auto got = leases_.acquire(p);
    if (got.epoch == 0) {
      ++(got.held_elsewhere ? elsewhere : failed);
      if (!got.held_elsewhere)
        last_error = got.error;
      continue;
    }
    if (take(p, got.epoch, error)) {
      owned_.insert(p);
      owned_count_ = owned_.size();
      ++taken;
    } else {
      leases_.forget(p); // not renewed: another node may have it
      ++failed;
      last_error = error;
    }
  }
  if (failed > 0)
    spdlog::warn("node {}: {} partitions could not be taken now ({}), "
                 "retrying in {} ms",
                 settings_.node_id, failed, last_error,
                 settings_.retry.count());
  else if (taken > 0 && !owned_.empty() && owned_.size() < settings_.partitions)
    spdlog::info("node {}: took {} partitions, owns {}; {} held by others",
                 settings_.node_id, taken, owned_.size(), elsewhere);
}

bool partition_owner::range_of(std::uint32_t partition,
                               router::rehydration_range& out,
                               std::string& error) {
  auto cp = store_->load_checkpoint(settings_.projection);
  if (!cp) {
    error = "cannot read the " + settings_.projection
            + " checkpoint: " + db::describe(cp.error());
    return false;
  }
  auto oldest = store_->oldest_live_call(partition);
  if (!oldest) {
    error = "cannot read live_calls: " + db::describe(oldest.error());
    return false;
  }
  // From the first event the projection has not committed, or from the
  // oldest live call if it began earlier; fencing as it stood there.
  out.from_seq = cp->position + 1;
  out.epoch_before = 0;
  if (auto e = cp->epochs.find(partition); e != cp->epochs.end())
    out.epoch_before = e->second;
  if (*oldest && (*oldest)->first_position < out.from_seq) {
    out.from_seq = (*oldest)->first_position;
    out.epoch_before = (*oldest)->epoch;
  }
  return true;
}

bool partition_owner::take(std::uint32_t partition, std::uint64_t epoch,
                           std::string& error) {
  auto began = std::chrono::steady_clock::now();
  // Where to read from, before the marker exists: the projection may
  // commit the marker itself at any moment, and a start past the marker
  // would never see it.
  router::rehydration_range range;
  if (!range_of(partition, range, error))
    return false;
  event marker;
  marker.env.epoch = epoch;
  marker.env.occurred_at = now_us();
  marker.env.recorded_at = marker.env.occurred_at;
  marker.payload = partition_acquired{partition, epoch, settings_.node_id};
  auto stored
    = js_->publish(event_subject(partition), encode(marker), marker.id());
  if (!stored.ok) {
    error = "cannot append the marker of partition " + std::to_string(partition)
            + ": " + stored.error;
    return false;
  }
  range.marker_seq = stored.seq;
  rehydrated_partition calls;
  if (!router::rehydrate(*js_, partition, range, epoch, calls, error))
    return false;
  auto live = calls.live.size();
  // The router gets the calls before any signal: same mailbox, sent first.
  caf::anon_send(router_, rehydrate_atom::value, std::move(calls));
  if (!feed_.start(partition, error)) {
    drop_in_router(partition); // its calls, spawned with this epoch, stop
    return false;
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
              std::chrono::steady_clock::now() - began)
              .count();
  spdlog::debug("node {}: took partition {} (epoch {}, read {}..{}, {} live "
                "calls) in {} ms",
                settings_.node_id, partition, epoch, range.from_seq,
                range.marker_seq, live, ms);
  return true;
}

void partition_owner::let_go(std::uint32_t partition) {
  leases_.forget(partition);
  // Signals first: once the feed's thread is joined, nothing of the
  // partition is on its way to the router after the drop below.
  feed_.stop(partition);
  drop_in_router(partition);
  owned_.erase(partition);
  owned_count_ = owned_.size();
}

void partition_owner::drop_in_router(std::uint32_t partition) {
  caf::scoped_actor self{sys_};
  self->request(router_, std::chrono::seconds(30), drop_atom::value, partition)
    .receive([](bool) {},
             [&](const caf::error& err) {
               spdlog::error("node {}: router did not drop partition {}: {}",
                             settings_.node_id, partition, to_string(err));
             });
}

} // namespace sb::app
