#include "router/signal_feed.hpp"

#include "switchboard/events/codec.hpp"
#include "switchboard/events/partitions.hpp"

#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

namespace sb::router {

signal_feed::signal_feed(std::shared_ptr<jetstream> js,
                         sb::call_router router,
                         std::shared_ptr<call::partition_backlog> backlog)
  : js_(std::move(js)), router_(std::move(router)),
    backlog_(std::move(backlog)) {
}

signal_feed::~signal_feed() {
  stop();
}

bool signal_feed::start(std::uint32_t partition, std::string& error) {
  auto consumer = partition_consumer::open(*js_, partition, error);
  if (!consumer)
    return false;
  std::lock_guard<std::mutex> guard{mtx_};
  auto& c = *consumer;
  consumers_.push_back(std::move(consumer));
  threads_.emplace_back([this, &c] { run(c); });
  return true;
}

void signal_feed::stop() {
  stopping_ = true;
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto& t : threads_)
    if (t.joinable())
      t.join();
  threads_.clear();
  consumers_.clear();
}

void signal_feed::run(partition_consumer& consumer) {
  auto partition = consumer.partition();
  std::vector<signal_delivery> deliveries;
  std::string error;
  while (!stopping_) {
    deliveries.clear();
    if (!consumer.fetch(deliveries, 256, 250, error)) {
      spdlog::warn("signal feed {}: {}", partition, error);
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      continue;
    }
    backlog_->set_undelivered(partition, deliveries.empty()
                                           ? 0
                                           : deliveries.back().pending());
    for (auto& d : deliveries) {
      partition_delivery pd;
      pd.partition = partition;
      std::string why;
      if (!decode(d.data(), pd.batch, why)) {
        // Not ours to interpret: keep it for a human, unblock the partition.
        auto id = "sig:" + std::to_string(d.stream_seq());
        auto r = js_->publish(deadletter_subject("signals"), d.data(), id);
        if (r.ok) {
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
