// Issue 10, fault 2: a node restarted over a long history (≥ 500 k events
// in SB_EVENTS, a few days of a busy deployment) must take its partitions
// and keep them: renew every lease in time while it takes the others and
// rebuilds their calls, and go on ingesting.
//
// The history is built the fastest honest way: the node itself turns a
// small log into events; the test then copies those calls' events, under
// fresh call ids, into SB_EVENTS at the JetStream publisher's rate, each
// copy stamped with the epoch its partition's owner (the running node)
// writes with — what that node would have stored had it ingested 10 k
// calls. The node's projection folds them, so the restart finds what a
// real one would: a long stream and a projection at its head.

#include "fault_support.hpp"

#include "switchboard/events/codec.hpp"
#include "switchboard/events/partitions.hpp"
#include "switchboard/events/stream_reader.hpp"

#include <catch2/catch.hpp>

#include <condition_variable>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

using namespace sb;
using namespace sb::test;

namespace {

constexpr std::uint64_t history_events = 650'000;
constexpr std::uint32_t partition_count = default_partition_count;

/// The events of SB_EVENTS: the newest marker epoch per partition and each
/// call's events in stream order.
struct stored_history {
  std::map<std::uint32_t, std::uint64_t> epochs;
  std::map<std::string, std::vector<event>> calls;
};

stored_history read_history(jetstream& js, std::uint64_t head) {
  stored_history out;
  std::string error;
  auto reader = stream_reader::open(js, events_stream, "sb.evt.>", 1, error);
  REQUIRE(reader);
  std::vector<stream_message> batch;
  std::uint64_t last = 0;
  int idle = 0;
  while (last < head && idle < 20) {
    batch.clear();
    REQUIRE(reader->fetch(batch, 1024, 500, error));
    idle = batch.empty() ? idle + 1 : 0;
    for (auto& m : batch) {
      last = m.seq;
      event e;
      REQUIRE(decode(m.data, e, error));
      if (auto* marker = std::get_if<partition_acquired>(&e.payload))
        out.epochs[marker->partition]
          = std::max(out.epochs[marker->partition], marker->epoch);
      else
        out.calls[e.env.call_id].push_back(std::move(e));
    }
  }
  REQUIRE(last == head);
  return out;
}

/// A fresh id of the template's shape: its first 24 characters, then `n`.
std::string copy_id(const std::string& template_id, std::uint64_t n) {
  char tail[16];
  std::snprintf(tail, sizeof tail, "%012llx",
                static_cast<unsigned long long>(n));
  return template_id.substr(0, 24) + tail;
}

/// Publishes copies of the template calls until SB_EVENTS holds at least
/// `target` events; returns how many calls it added.
std::size_t publish_copies(jetstream& js, const stored_history& history,
                           std::uint64_t head, std::uint64_t target) {
  // Shared with the acknowledgement callbacks, which may outlive a failed
  // REQUIRE below.
  struct acks {
    std::mutex mtx;
    std::condition_variable cv;
    std::size_t in_flight = 0, failed = 0;
    std::string first_error;
  };
  auto state = std::make_shared<acks>();
  constexpr std::size_t max_in_flight = 20'000;
  std::size_t calls = 0;
  std::uint64_t n = 0;
  while (head < target) {
    for (const auto& [id, events] : history.calls) {
      auto new_id = copy_id(id, ++n);
      auto p = partition_of(new_id, partition_count);
      auto epoch = history.epochs.at(p);
      for (auto e : events) {
        e.env.call_id = new_id;
        e.env.epoch = epoch;
        {
          std::unique_lock<std::mutex> lock{state->mtx};
          state->cv.wait(lock,
                         [&] { return state->in_flight < max_in_flight; });
          ++state->in_flight;
        }
        js.publish_async(event_subject(p), encode(e), e.id(),
                         [state](const publish_result& r) {
                           std::lock_guard<std::mutex> guard{state->mtx};
                           --state->in_flight;
                           if (!r.ok && ++state->failed == 1)
                             state->first_error = r.error;
                           state->cv.notify_all();
                         });
        ++head;
      }
      ++calls;
      if (head >= target)
        break;
    }
  }
  std::unique_lock<std::mutex> lock{state->mtx};
  REQUIRE(state->cv.wait_for(lock, std::chrono::seconds{60},
                             [&] { return state->in_flight == 0; }));
  INFO("first failed publish: " << state->first_error);
  REQUIRE(state->failed == 0);
  return calls;
}

/// status, end_reason, turn_count of a session.
std::string summary_of(spine_env& env, const std::string& id) {
  return env.query_value("select status || '/' || end_reason || '/' || "
                         "turn_count from sessions where id = '"
                         + id + "'");
}

} // namespace

TEST_CASE("a node restarted over 650 k events keeps all its leases",
          "[faults][leases][heavy]") {
  spine_env env{spine_options{/*inactivity_timeout_s=*/30, /*linger_s=*/0.5}};
  env.start_node();
  auto templates = build_cloud_log(16, 4, 0, 2001, 0);
  ship(env, templates);
  env.wait_until_settled(std::chrono::seconds{60});

  std::string error;
  auto js = jetstream::connect(env.nats_url(), "faults-history", error);
  REQUIRE(js);
  auto history = read_history(*js, env.events_head());
  REQUIRE(history.epochs.size() == partition_count);
  REQUIRE(history.calls.size() == templates.call_ids.size());
  auto copies = publish_copies(*js, history, env.events_head(), history_events);
  auto head = env.events_head();
  INFO(head << " events in SB_EVENTS, " << copies + history.calls.size()
            << " calls");
  REQUIRE(head >= history_events);
  // The node's projection folds the copies as it would its own events.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds{180};
  while (env.health().value("projection_position", std::uint64_t{0}) < head) {
    REQUIRE(std::chrono::steady_clock::now() < until);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  auto total = std::to_string(copies + history.calls.size());
  REQUIRE(env.query_value("select count(*) from sessions") == total);

  auto stopped = env.stop_node();
  INFO("first node: " << stopped.describe());
  REQUIRE(stopped.clean());

  // The restart: it must serve, own every partition, and keep owning them
  // for two lease TTLs.
  env.start_node();
  bool all
    = wait_for_partitions(env, partition_count, std::chrono::seconds{120});
  INFO("after serving: " << node_state(env));
  REQUIRE(all);
  auto watched = watch_node(env, 2 * lease_ttl);
  INFO("2 lease TTLs later: " << node_state(env));
  REQUIRE(watched.ran_throughout);
  REQUIRE(watched.least_owned == static_cast<int>(partition_count));

  // And it still takes in a new call and records it like the others.
  auto fresh = build_cloud_log(1, 4, 0, 2002, 0);
  ship(env, fresh);
  env.wait_until_settled(std::chrono::seconds{120});
  CHECK(env.query_value("select count(*) from sessions")
        == std::to_string(copies + history.calls.size() + 1));
  CHECK(summary_of(env, fresh.call_ids.front())
        == summary_of(env, templates.call_ids.front()));
  auto r = env.get("/v1/conversations/" + fresh.call_ids.front());
  CHECK(r.status == 200);
}
