#include "router/signal_feed.hpp"

#include "switchboard/events/codec.hpp"
#include "switchboard/events/partitions.hpp"

#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

namespace sb::router {

namespace {

/// A failing partition logs at most this often (an outage fails every
/// fetch of every partition).
constexpr auto warn_every = std::chrono::seconds(10);

} // namespace

signal_feed::signal_feed(std::shared_ptr<jetstream> js, sb::call_router router,
                         std::shared_ptr<call::partition_backlog> backlog)
  : js_(std::move(js)), router_(std::move(router)),
    backlog_(std::move(backlog)) {}

signal_feed::~signal_feed() {
  stop();
}

bool signal_feed::start(std::uint32_t partition, std::string& error) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (readers_.count(partition) > 0) {
      error = "partition " + std::to_string(partition) + " is consumed already";
      return false;
    }
  }
  // Only the partition owner's takeover thread starts and stops readers,
  // so nobody takes the slot between the check and here.
  auto consumer = partition_consumer::open(*js_, partition, error);
  if (!consumer)
    return false;
  auto r = std::make_unique<reader>();
  r->consumer = std::move(consumer);
  auto* raw = r.get();
  std::lock_guard<std::mutex> guard{mtx_};
  readers_[partition] = std::move(r);
  raw->thread = std::thread{[this, raw] {
    run(*raw);
  }};
  return true;
}

void signal_feed::stop(std::uint32_t partition) {
  std::unique_ptr<reader> r;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    auto i = readers_.find(partition);
    if (i == readers_.end())
      return;
    r = std::move(i->second);
    readers_.erase(i);
  }
  r->stopping = true;
  if (r->thread.joinable())
    r->thread.join();
  backlog_->set_undelivered(partition, 0);
}

void signal_feed::stop() {
  std::map<std::uint32_t, std::unique_ptr<reader>> all;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    all.swap(readers_);
  }
  for (auto& [partition, r] : all)
    r->stopping = true; // all at once: each ends within one fetch wait
  for (auto& [partition, r] : all)
    if (r->thread.joinable())
      r->thread.join();
}

void signal_feed::run(reader& r) {
  auto& consumer = *r.consumer;
  auto partition = consumer.partition();
  std::vector<signal_delivery> deliveries;
  std::string error;
  auto last_warning = std::chrono::steady_clock::time_point{};
  std::uint64_t failures = 0;
  while (!r.stopping) {
    deliveries.clear();
    if (!consumer.fetch(deliveries, 256, 250, error)) {
      ++failures;
      auto now = std::chrono::steady_clock::now();
      if (now - last_warning >= warn_every) {
        spdlog::warn("signal feed {}: {} ({} failed fetches)", partition, error,
                     failures);
        last_warning = now;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      continue;
    }
    if (failures > 0) {
      spdlog::info("signal feed {}: fetching again after {} failures",
                   partition, failures);
      failures = 0;
      last_warning = {};
    }
    backlog_->set_undelivered(
      partition, deliveries.empty() ? 0 : deliveries.back().pending());
    for (auto& d : deliveries) {
      partition_delivery pd;
      pd.partition = partition;
      std::string why;
      if (!decode(d.data(), pd.batch, why)) {
        // Not ours to interpret: keep it for a human, unblock the partition.
        auto id = "sig:" + std::to_string(d.stream_seq());
        auto res = js_->publish(deadletter_subject("signals"), d.data(), id);
        if (res.ok) {
          d.ack();
          spdlog::error("signal feed {}: message {} dead-lettered: {}",
                        partition, d.stream_seq(), why);
        }
        continue;
      }
      pd.delivery = std::move(d);
      ++delivered_;
      backlog_->sent_to_router(partition);
      caf::anon_send(router_, signals_atom::value, std::move(pd));
    }
  }
}

} // namespace sb::router
