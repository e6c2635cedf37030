#include "node/node.hpp"

#include "http/api_server.hpp"
#include "ingest/nats_ingest_service.hpp"
#include "http/live_hub.hpp"
#include "node/ended_call_lookup.hpp"
#include "node/live_feed.hpp"
#include "node/node_health.hpp"
#include "node/partition_owner.hpp"
#include "router/call_router.hpp"
#include "router/lease_keeper.hpp"
#include "router/nats_event_sink.hpp"
#include "router/signal_feed.hpp"
#include "switchboard/db/migrate.hpp"
#include "switchboard/db/pg_store.hpp"
#include "switchboard/events/partitions.hpp"
#include "switchboard/projections/projection_runner.hpp"
#include "switchboard/projections/registry.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <pthread.h>
#include <thread>

namespace sb::app {

namespace {

/// How long a stopping node lets its calls store what they decided.
constexpr auto drain_grace = std::chrono::seconds(5);

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

/// Blocks SIGINT and SIGTERM in this thread and every thread started from
/// it, so that only wait_for_stop_signal() receives them.
sigset_t block_stop_signals() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  return stop_signals;
}

int wait_for_stop_signal(const sigset_t& stop_signals) {
  int sig = 0;
  sigwait(&stop_signals, &sig);
  return sig;
}

caf::expected<std::unique_ptr<db::store>>
connect_store(const std::string& url) {
  auto s = db::pg_store::connect(url);
  if (!s)
    return s.error();
  return std::unique_ptr<db::store>{std::move(*s)};
}

/// Where the live feed starts reading SB_EVENTS (after this sequence): the
/// sessions projection's checkpoint, at most the live hub's memory behind
/// the stream's head; the head if either is unknown.
std::uint64_t live_start(const std::shared_ptr<jetstream>& js,
                         const std::string& pg_url) {
  constexpr std::uint64_t hub_memory = http::live_hub::default_keep;
  std::string error;
  jetstream::stream_state state;
  if (!js->state_of(events_stream, state, error))
    return 0;
  auto store = connect_store(pg_url);
  if (!store)
    return state.last_seq;
  auto cp = (*store)->load_checkpoint("sessions");
  if (!cp)
    return state.last_seq;
  auto oldest = state.last_seq > hub_memory ? state.last_seq - hub_memory : 0;
  return std::max(std::min(cp->position, state.last_seq), oldest);
}

/// Stops an actor and waits until it is gone (or `timeout` passed).
void stop_and_wait(caf::actor_system& sys, const caf::actor& whom,
                   std::chrono::milliseconds timeout) {
  if (!whom)
    return;
  caf::scoped_actor self{sys};
  self->monitor(whom);
  self->send_exit(whom, caf::exit_reason::user_shutdown);
  self->receive([](const caf::down_msg&) {},
                caf::after(timeout) >>
                  [] { spdlog::warn("node: an actor did not stop in time"); });
}

/// Waits until every delivered signal message is acknowledged (its calls
/// stored their events) or `grace` passes.
void drain(caf::actor_system& sys, const sb::call_router& router,
           std::chrono::milliseconds grace) {
  auto until = std::chrono::steady_clock::now() + grace;
  std::uint64_t left = 0;
  do {
    caf::scoped_actor self{sys};
    bool answered = false;
    self->request(router, std::chrono::seconds(1), stats_atom::value)
      .receive(
        [&](const router_stats& s) {
          answered = true;
          left = s.pending_messages;
        },
        [&](const caf::error&) {});
    if (answered && left == 0)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (std::chrono::steady_clock::now() < until);
  spdlog::info("node: {} signal messages not acknowledged at shutdown; the "
               "partitions' next owner gets them again",
               left);
}

} // namespace

int run_node(const node_options& opt) {
  auto stop_signals = block_stop_signals();

  std::string host;
  std::uint16_t port = 0;
  if (!split_listen(opt.listen, host, port)) {
    spdlog::error("node: --listen must be host:port, got '{}'", opt.listen);
    return 2;
  }
  std::string error;
  std::shared_ptr<jetstream> js
    = jetstream::connect(opt.nats_url, opt.node_id, error);
  if (!js) {
    spdlog::error("node: {}", error);
    return 1;
  }
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
  auto rules = projections::load_analysis_rules(opt.rules_path);
  if (!rules) {
    spdlog::error("node: {}", db::describe(rules.error()));
    return 1;
  }
  // One connection each: the ended-call lookup, the partition owner, every
  // projection (libpqxx connections are not thread-safe).
  auto lookup_store = connect_store(opt.pg_url);
  auto owner_store = connect_store(opt.pg_url);
  for (const auto* err : {lookup_store ? nullptr : &lookup_store.error(),
                          owner_store ? nullptr : &owner_store.error()})
    if (err != nullptr) {
      spdlog::error("node: {}", db::describe(*err));
      return 1;
    }
  std::vector<std::unique_ptr<projections::projection_runner>> runners;
  for (const auto& name : projections::projection_names()) {
    auto p = projections::make_projection(name, opt.pg_url, *rules,
                                          projections::write_mode::incremental);
    if (!p) {
      spdlog::error("node: {}", db::describe(p.error()));
      return 1;
    }
    projections::runner_settings settings;
    settings.kill_after_batches = opt.failpoint_kill_after_batches;
    runners.push_back(std::make_unique<projections::projection_runner>(
      js, std::move(*p), settings));
  }

  // Declared before the actor system, so destroyed after it: call actors
  // ask the leases (through the sink) until the very end.
  router::lease_keeper leases{js, opt.node_id, opt.partitions,
                              std::chrono::milliseconds(opt.lease_ttl_ms)};

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
  auto sink = std::make_shared<router::nats_event_sink>(
    js, [&leases](std::uint32_t p) { return leases.may_write(p); });
  auto backlog = std::make_shared<call::partition_backlog>(opt.partitions);
  auto lookup = sys.spawn<caf::detached>(
    ended_call_lookup_impl,
    std::shared_ptr<db::store>{std::move(*lookup_store)});
  auto router = sys.spawn(router::call_router_impl,
                          std::static_pointer_cast<call::event_sink>(sink),
                          opt.timeouts, opt.partitions, backlog, lookup);
  // However run_node returns, the router (and with it every call) and the
  // lookup stop, or the actor system would wait for them forever.
  struct actor_stopper {
    caf::actor router, lookup;
    ~actor_stopper() {
      caf::anon_send_exit(router, caf::exit_reason::user_shutdown);
      caf::anon_send_exit(lookup, caf::exit_reason::user_shutdown);
    }
  } stop_actors{caf::actor_cast<caf::actor>(router),
                caf::actor_cast<caf::actor>(lookup)};

  router::signal_feed feed{js, router, backlog};
  ownership_settings ownership;
  ownership.node_id = opt.node_id;
  ownership.partitions = opt.partitions;
  ownership.retry = std::chrono::milliseconds(opt.lease_ttl_ms / 2);
  partition_owner owner{
    sys, js, leases, feed, router, std::move(*owner_store), ownership};
  leases.on_lost([&owner](std::uint32_t p, router::lease_keeper::loss,
                          std::string why) { owner.lost(p, std::move(why)); });
  // Renewal first: a lease taken during a long start is renewed in time.
  leases.start();
  owner.start();

  for (auto& runner : runners)
    if (!runner->start(error)) {
      spdlog::error("node: {}", error);
      return 1;
    }

  // The live view starts where the live_calls table stops (the sessions
  // checkpoint), at most the hub's memory behind the stream's head.
  http::live_hub live_hub;
  live_feed live{js, live_hub, live_start(js, opt.pg_url)};
  live.start();

  nats_ingest_service ingest{js, opt.partitions};
  http::api_config api_cfg;
  api_cfg.address = host;
  api_cfg.port = port;
  api_cfg.threads = opt.http_threads;
  api_cfg.ingest = &ingest;
  api_cfg.live = &live_hub;
  api_cfg.stores = [url = opt.pg_url] {
    return connect_store(url);
  };
  health_sources health{
    opt.node_id, opt.partitions, [&owner] { return owner.owned(); },
    js.get(),    sink.get(),     &runners,
    &sys,        router};
  api_cfg.probe = [&health] {
    return node_health(health);
  };
  http::api_server api;
  if (auto bound = api.start(api_cfg); !bound) {
    spdlog::error("node: cannot serve HTTP on {}: {}", opt.listen,
                  to_string(bound.error()));
    return 1;
  }
  spdlog::info("node {}: serving on http://{}:{}", opt.node_id, host,
               api.port());

  auto sig = wait_for_stop_signal(stop_signals);
  spdlog::info("node {}: stopping ({})", opt.node_id, strsignal(sig));

  // Ordered shutdown: no new input; no new signals; let the calls store
  // what they decided; stop them; then nothing can acknowledge, publish or
  // write any more, and the leases are handed back.
  api.stop();
  live.stop();
  owner.stop();
  feed.stop();
  drain(sys, router, drain_grace);
  stop_and_wait(sys, caf::actor_cast<caf::actor>(router),
                std::chrono::seconds(5));
  js->flush_publishes(2000);
  for (auto& runner : runners)
    runner->stop();
  leases.stop();
  leases.release_all();
  spdlog::info("node {}: stopped", opt.node_id);
  return 0;
}

} // namespace sb::app
