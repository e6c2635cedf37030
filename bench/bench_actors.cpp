// Call actors: resident memory per live call actor. Spawns the call router
// and N call actors (default 10,000) in one CAF system configured like a
// node (2 scheduler threads), with an event sink that stores nothing and
// acknowledges at once. VmRSS is read from /proc/self/status before, after
// spawning N idle actors, and after each got one batch of signals (a call
// that started and spoke once: ~10 events decided, state kept).
//
//   bench_actors [--calls 10000] [--runs 3] [--out result.json]
//
// Each run uses fresh actors in the same process (the allocator keeps freed
// pages, so runs after the first reuse memory; the first run is the honest
// one and is reported separately as well).

#include "bench_util.hpp"

#include "actors.hpp"
#include "call/call_actor.hpp"
#include "call/event_sink.hpp"
#include "router/call_router.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>

#include <atomic>
#include <cstdio>
#include <malloc.h>
#include <thread>

using namespace sb::bench;

namespace {

class noop_sink : public sb::call::event_sink {
public:
  void publish(std::uint32_t, const sb::event&, done_fn done) override {
    ++published;
    done(true);
  }
  std::atomic<std::uint64_t> published{0};
};

/// Waits until `n` stops changing for 300 ms (or 60 s pass).
void wait_quiet(const std::atomic<std::uint64_t>& n) {
  auto last = n.load();
  auto stable_since = now_s();
  auto deadline = now_s() + 60;
  while (now_s() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto v = n.load();
    if (v != last) {
      last = v;
      stable_since = now_s();
    } else if (now_s() - stable_since > 0.3) {
      return;
    }
  }
}

sb::signal make_signal(const std::string& call, sb::signal_kind kind,
                       std::int64_t at_us, std::string text = {}) {
  sb::signal s;
  s.call_id = call;
  s.kind = kind;
  s.at_us = at_us;
  s.text = std::move(text);
  s.service = "CartesiaTTSService#0";
  return s;
}

sb::call_batch first_batch(const std::string& call, std::uint64_t seq,
                           std::int64_t t) {
  using k = sb::signal_kind;
  sb::call_batch b;
  b.tenant_id = "default";
  b.agent_id = "bench-agent";
  b.provider = "pipecat";
  b.stream_seq = seq;
  b.signals = {make_signal(call, k::pipeline_started, t),
               make_signal(call, k::bot_text, t + 300'000, "Hello, caller."),
               make_signal(call, k::bot_started_speaking, t + 400'000),
               make_signal(call, k::bot_stopped_speaking, t + 1'300'000),
               make_signal(call, k::user_started_speaking, t + 1'900'000),
               make_signal(call, k::user_stopped_speaking, t + 2'800'000),
               make_signal(call, k::user_text, t + 2'860'000,
                           "Where is my order?")};
  auto ttfb = make_signal(call, k::ttfb, t + 3'200'000);
  ttfb.service = "OpenAILLMService#0";
  ttfb.value_s = 0.31;
  b.signals.push_back(ttfb);
  b.signals.push_back(
    make_signal(call, k::bot_text, t + 3'300'000, "It ships today."));
  for (std::uint32_t i = 0; i < b.signals.size(); ++i) {
    b.signals[i].line = i + 1;
    b.indexes.push_back(i);
  }
  return b;
}

} // namespace

int main(int argc, char** argv) {
  auto calls = static_cast<int>(flag_int(argc, argv, "--calls", 10'000));
  auto runs = static_cast<int>(flag_int(argc, argv, "--runs", 3));
  auto out = flag(argc, argv, "--out", "");

  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", 2);
  cfg.set("logger.console", caf::atom("none"));
  nlohmann::json result_runs = nlohmann::json::array();
  {
    caf::actor_system sys{cfg};
    auto sink = std::make_shared<noop_sink>();
    sb::call::call_timeouts timeouts; // a node's defaults: 5 min inactivity
    auto router = sys.spawn(
      sb::router::call_router_impl,
      std::static_pointer_cast<sb::call::event_sink>(sink), timeouts, 64u,
      std::make_shared<sb::call::partition_backlog>(64), sb::ended_calls{});
    std::this_thread::sleep_for(std::chrono::milliseconds(200));

    for (int r = 0; r < runs; ++r) {
      malloc_trim(0);
      auto before = rss_kib();
      std::vector<sb::call_actor> actors;
      actors.reserve(static_cast<std::size_t>(calls));
      auto vector_kib = static_cast<double>(sizeof(sb::call_actor)) * calls
                        / 1024.0;
      auto t0 = now_s();
      for (int i = 0; i < calls; ++i) {
        sb::call::call_state initial;
        char id[64];
        std::snprintf(id, sizeof id, "bench-%d-%08d-0000-4000-8000-000000000000",
                      r, i);
        initial.call_id = id;
        actors.push_back(sys.spawn(sb::call::call_actor_impl,
                                   std::move(initial),
                                   static_cast<std::uint32_t>(i % 64),
                                   std::uint64_t{1}, 
                                   std::static_pointer_cast<sb::call::event_sink>(sink),
                                   router, timeouts,
                                   std::shared_ptr<const sb::call::partition_backlog>{}));
      }
      auto spawn_s = now_s() - t0;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      auto idle = rss_kib();

      auto events0 = sink->published.load();
      auto base_t = std::int64_t{1'762'246'800'000'000};
      for (int i = 0; i < calls; ++i) {
        char id[64];
        std::snprintf(id, sizeof id, "bench-%d-%08d-0000-4000-8000-000000000000",
                      r, i);
        caf::anon_send(actors[static_cast<std::size_t>(i)],
                       sb::signals_atom::value,
                       first_batch(id, static_cast<std::uint64_t>(i + 1),
                                   base_t + i * 1000LL));
      }
      wait_quiet(sink->published);
      auto events = sink->published.load() - events0;
      auto live = rss_kib();

      double idle_per = (static_cast<double>(idle) - static_cast<double>(before)
                         - vector_kib) * 1024.0 / calls;
      double live_per = (static_cast<double>(live) - static_cast<double>(before)
                         - vector_kib) * 1024.0 / calls;
      progress("run " + std::to_string(r + 1) + ": idle "
               + std::to_string(idle_per) + " B/actor, with state "
               + std::to_string(live_per) + " B/actor, "
               + std::to_string(events) + " events");
      result_runs.push_back({{"rss_before_kib", before},
                             {"rss_idle_kib", idle},
                             {"rss_live_kib", live},
                             {"spawn_s", spawn_s},
                             {"spawn_per_s", calls / spawn_s},
                             {"bytes_per_idle_actor", idle_per},
                             {"bytes_per_live_actor", live_per},
                             {"events_decided", events}});
      for (auto& a : actors)
        caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
      actors.clear();
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    caf::anon_send_exit(router, caf::exit_reason::user_shutdown);
  }
  write_result(out,
               {{"bench", "actors"},
                {"params",
                 {{"calls", calls},
                  {"runs", runs},
                  {"scheduler_threads", 2},
                  {"signals_per_call", 9}}},
                {"runs", result_runs},
                {"notes",
                 {"per-actor bytes = (VmRSS delta - the handle vector) / calls",
                  "runs after the first reuse pages the allocator kept"}}});
  return 0;
}
