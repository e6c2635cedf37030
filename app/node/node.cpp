#include "node/node.hpp"

#include "http/api_server.hpp"
#include "ingest/nats_ingest_service.hpp"
#include "node/partition_takeover.hpp"
#include "router/call_router.hpp"
#include "router/lease_keeper.hpp"
#include "router/nats_event_sink.hpp"
#include "router/signal_feed.hpp"
#include "switchboard/db/migrate.hpp"
#include "switchboard/db/pg_store.hpp"
#include "switchboard/projections/projection_runner.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <pthread.h>
#include <set>
#include <thread>
#include <unistd.h>

namespace sb::app {

namespace {

std::atomic<bool> lease_lost{false};

/// Splits "host:port"; false if malformed.
bool split_listen(const std::string& listen, std::string& host,
                  std::uint16_t& port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    return false;
  host = listen.substr(0, colon);
  auto p = std::strtol(listen.c_str() + colon + 1, nullptr, 10);
  if (p <= 0 || p > 65535)
    return false;
  port = static_cast<std::uint16_t>(p);
  return true;
}

/// Asks the router for its counters; empty on timeout.
std::optional<router_stats> ask_stats(caf::actor_system& sys,
                                      const sb::call_router& router) {
  std::optional<router_stats> result;
  caf::scoped_actor self{sys};
  self->request(router, std::chrono::seconds(1), stats_atom::value)
    .receive([&](const router_stats& s) { result = s; },
             [&](const caf::error&) {});
  return result;
}

} // namespace

int run_node(const node_options& opt) {
  // Every thread started from here on inherits the blocked signals, so
  // only the sigwait below receives SIGINT and SIGTERM.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::string host;
  std::uint16_t port = 0;
  if (!split_listen(opt.listen, host, port)) {
    spdlog::error("node: --listen must be host:port, got '{}'", opt.listen);
    return 2;
  }
  std::string error;
  auto js_owned = jetstream::connect(opt.nats_url, opt.node_id, error);
  if (!js_owned) {
    spdlog::error("node: {}", error);
    return 1;
  }
  std::shared_ptr<jetstream> js = std::move(js_owned);
  stream_settings streams;
  streams.partitions = opt.partitions;
  streams.lease_ttl_ms = opt.lease_ttl_ms;
  if (!js->ensure_streams(streams, error)) {
    spdlog::error("node: {}", error);
    return 1;
  }
  if (auto applied = db::migrate(opt.pg_url); !applied) {
    spdlog::error("node: migrations failed: {}", db::describe(applied.error()));
    return 1;
  } else if (*applied > 0) {
    spdlog::info("node: applied {} migrations", *applied);
  }

  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", 2);
  // One shared job queue instead of work stealing: most messages come from
  // NATS threads (acks, deliveries), and under load the stealing workers
  // spent ~40 % of the node's CPU spinning on the queues those threads
  // append to; the node shares its cores with nats-server and PostgreSQL.
  // 16.4 k → 18.4 k events/s end to end (bench_pipeline, 10 files, 2 cores).
  cfg.set("scheduler.policy", caf::atom("sharing"));
  cfg.set("logger.console", caf::atom("none"));
  caf::actor_system sys{cfg};
  auto sink = std::make_shared<router::nats_event_sink>(js);
  auto backlog = std::make_shared<call::partition_backlog>(opt.partitions);
  auto router = sys.spawn(router::call_router_impl,
                          std::static_pointer_cast<call::event_sink>(sink),
                          opt.timeouts, opt.partitions, backlog);
  // However run_node returns, the router (and with it every call) stops,
  // or the actor system would wait for them forever.
  struct router_stopper {
    sb::call_router router;
    ~router_stopper() {
      caf::anon_send_exit(router, caf::exit_reason::user_shutdown);
    }
  } stop_router{router};
  router::signal_feed feed{js, router, backlog};
  router::lease_keeper leases{
    js, opt.node_id, std::chrono::milliseconds(opt.lease_ttl_ms),
    [](std::uint32_t partition, std::string why) {
      // Self-fencing: a node that may no longer own a partition stops.
      spdlog::critical("node: lost partition {}: {}; stopping", partition,
                       why);
      lease_lost = true;
      kill(getpid(), SIGTERM);
    }};

  // `owned` belongs to this thread, then to the takeover thread; others
  // read only the count.
  std::set<std::uint32_t> owned;
  std::atomic<std::size_t> owned_count{0};
  for (std::uint32_t p = 0; p < opt.partitions; ++p) {
    if (take_partition(*js, leases, feed, router, p, opt.node_id, error))
      owned.insert(p);
    else
      spdlog::warn("node: partition {} not taken: {}", p, error);
  }
  owned_count = owned.size();
  leases.start();
  spdlog::info("node {}: owns {} of {} partitions", opt.node_id, owned.size(),
               opt.partitions);

  // Partitions held by another node are retried until their lease expires.
  std::atomic<bool> stopping{false};
  std::thread takeover{[&] {
    while (!stopping && owned.size() < opt.partitions) {
      std::this_thread::sleep_for(
        std::chrono::milliseconds(opt.lease_ttl_ms / 2));
      for (std::uint32_t p = 0; p < opt.partitions && !stopping; ++p) {
        std::string why;
        if (!owned.count(p)
            && take_partition(*js, leases, feed, router, p, opt.node_id, why))
          owned.insert(p);
      }
      owned_count = owned.size();
    }
  }};

  auto store = db::pg_store::connect(opt.pg_url);
  if (!store) {
    spdlog::error("node: {}", db::describe(store.error()));
    stopping = true;
    takeover.join();
    return 1;
  }
  projections::projection_runner sessions{js, std::move(*store)};
  if (!sessions.start(error)) {
    spdlog::error("node: {}", error);
    stopping = true;
    takeover.join();
    return 1;
  }

  nats_ingest_service ingest{js, opt.partitions};
  http::api_config api_cfg;
  api_cfg.address = host;
  api_cfg.port = port;
  api_cfg.threads = opt.http_threads;
  api_cfg.ingest = &ingest;
  auto pg_url = opt.pg_url;
  api_cfg.stores = [pg_url]() -> caf::expected<std::unique_ptr<db::store>> {
    auto s = db::pg_store::connect(pg_url);
    if (!s)
      return s.error();
    return std::unique_ptr<db::store>{std::move(*s)};
  };
  api_cfg.probe = [&]() {
    nlohmann::json j{{"status", "ok"},
                     {"node_id", opt.node_id},
                     {"partitions_owned", owned_count.load()},
                     {"partitions", opt.partitions},
                     {"projection_position", sessions.position()},
                     {"events_stored", sink->stored()}};
    if (auto s = ask_stats(sys, router)) {
      j["live_calls"] = s->live_calls;
      j["ended_calls"] = s->ended_calls;
      j["signals"] = s->signals;
      j["late_signals"] = s->late_signals;
      j["pending_messages"] = s->pending_messages;
    }
    if (auto e = sessions.last_error(); !e.empty())
      j["projection_last_error"] = e;
    return j;
  };
  http::api_server api;
  if (auto bound = api.start(api_cfg); !bound) {
    spdlog::error("node: cannot serve HTTP on {}: {}", opt.listen,
                  to_string(bound.error()));
    stopping = true;
    takeover.join();
    return 1;
  }
  spdlog::info("node {}: serving on http://{}:{}", opt.node_id, host,
               api.port());

  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("node {}: stopping ({})", opt.node_id,
               lease_lost ? "lease lost" : "signal");

  // Ordered shutdown: no new input, then let calls store what they decided.
  api.stop();
  stopping = true;
  takeover.join();
  feed.stop();
  for (int i = 0; i < 50; ++i) {
    auto s = ask_stats(sys, router);
    if (!s || s->pending_messages == 0)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  sessions.stop();
  leases.stop();
  return lease_lost ? 1 : 0;
}

} // namespace sb::app
