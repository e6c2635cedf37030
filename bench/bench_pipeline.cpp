// End to end, replay and their ceilings, against real servers on free
// loopback ports (tests/support/servers.hpp): a nats-server with JetStream,
// a PostgreSQL cluster, and a `switchboard node` child process.
//
// Each run (default 3; bench/report prints medians):
//  1. End to end: `switchboard ingest` subprocesses (2 at a time) feed
//     simulated Pipecat Cloud logs (log_builder, `--calls-per-file` calls of
//     `--turns` turns, `--noise` noise lines per kept line; every file is
//     the same template with fresh call ids) for `--feed-s` seconds; then
//     the node drains. The incremental projections' lag (stream head minus
//     the slowest projection's position, sampled every second while the
//     feed runs) is reported as its maximum. A feeder starts its next file only
//     while the node has at most `--max-live` live calls and its projection is
//     at most
//     `--max-lag` events behind SB_EVENTS: the node works at its own pace
//     for the whole feed instead of draining a mountain after it. Domain events
//     committed = the projection's position (SB_EVENTS sequence) from /healthz,
//     sampled every second. Rate = events / (drained - feed start); "steady" =
//     the committed delta between 10 s and the end of feeding. Peak concurrency
//     = max live_calls.
//  2. Ingest-to-row latency: `--latency-calls` single-call logs POSTed to
//     /v1/ingest/pipecat at `--latency-rate` per second; a poller reads
//     `sessions` every 5 ms; delay = row seen - POST sent.
//  3. Publish ceiling: bare NATS.c js_PublishAsync of `--publish` 200-byte
//     messages to a scratch stream (subject bench.pub.x) on the same server.
//  4. Replay: `switchboard replay --projection all`'s code
//     (projections::replay) into a fresh database, from event 1 to the
//     SB_EVENTS head and the swap (node stopped). When the end-to-end feed
//     left fewer than `--replay-events` events, more files are ingested
//     first (not measured), so the replay reads a log of at least that size.
//  5. Pull ceiling: a stream_reader fetching batches of 1000 over SB_EVENTS.
//
//   bench_pipeline --switchboard build-release/bin/switchboard
//                  [--runs 3] [--feed-s 60] [--calls-per-file 2000]
//                  [--turns 4] [--noise 9] [--publish 300000]
//                  [--latency-calls 200] [--latency-rate 20]
//                  [--feeders 2] [--max-files 0] [--max-live 6000]
//                  [--max-lag 200000] [--replay-events 1400000]
//                  [--out FILE]

#include "bench_nats.hpp"
#include "bench_util.hpp"
#include "log_builder.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/servers.hpp"

#include "switchboard/db/migrate.hpp"
#include "switchboard/db/pg_store.hpp"
#include "switchboard/events/jetstream.hpp"
#include "switchboard/events/partitions.hpp"
#include "switchboard/events/stream_reader.hpp"
#include "switchboard/projections/projection_runner.hpp"
#include "switchboard/projections/registry.hpp"
#include "switchboard/projections/replay.hpp"

#include <pqxx/pqxx>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include <unistd.h>

using namespace sb::bench;
using sb::test::child_process;

namespace {

struct sample {
  double t = 0;                   ///< since feed start
  std::uint64_t position = 0;     ///< the sessions projection's
  std::uint64_t min_position = 0; ///< the slowest projection's
  std::uint64_t head = 0;
  std::uint64_t live_calls = 0;
};

/// The template log, with where each line names its call.
struct template_log {
  std::vector<std::string> lines;
  std::vector<std::size_t> id_at; ///< offset of the call id, or npos
};

template_log make_template(int calls, int turns, int noise) {
  auto built = sb::test::build_cloud_log(calls, turns, noise, 42);
  template_log t;
  t.lines = std::move(built.lines);
  for (const auto& l : t.lines) {
    // "<stamp> | LEVEL    | where | <36-char id> - message"
    std::size_t p = 0;
    for (int k = 0; k < 3 && p != std::string::npos; ++k) {
      p = l.find(" | ", p);
      if (p != std::string::npos)
        p += 3;
    }
    if (p != std::string::npos && p + 37 <= l.size() && l[p + 8] == '-'
        && l[p + 36] == ' ')
      t.id_at.push_back(p);
    else
      t.id_at.push_back(std::string::npos);
  }
  return t;
}

/// The template with every call id's last 12 hex digits set to `variant`.
void write_variant(const template_log& t, std::uint64_t variant,
                   const std::string& path) {
  char tail[16];
  std::snprintf(tail, sizeof tail, "%012llx",
                static_cast<unsigned long long>(variant));
  std::string body;
  std::size_t total = 0;
  for (const auto& l : t.lines)
    total += l.size() + 1;
  body.reserve(total);
  for (std::size_t i = 0; i < t.lines.size(); ++i) {
    auto start = body.size();
    body += t.lines[i];
    if (t.id_at[i] != std::string::npos)
      body.replace(start + t.id_at[i] + 24, 12, tail, 12);
    body += '\n';
  }
  std::ofstream out{path, std::ios::binary};
  out << body;
}

/// The position of the projection furthest behind, from /healthz.
std::uint64_t slowest_projection(const nlohmann::json& h) {
  auto slowest = h.value("projection_position", std::uint64_t{0});
  if (h.contains("projections"))
    for (const auto& [name, p] : h["projections"].items())
      slowest = std::min(slowest, p.value("position", std::uint64_t{0}));
  return slowest;
}

nlohmann::json healthz(int port) {
  try {
    auto r = sb::test::http_request(static_cast<std::uint16_t>(port), "GET",
                                    "/healthz");
    return r.json();
  } catch (const std::exception&) {
    return nlohmann::json::object();
  }
}

std::string run_cli(const std::string& bin,
                    const std::vector<std::string>& args,
                    const std::string& dir) {
  std::vector<std::string> argv{bin};
  argv.insert(argv.end(), args.begin(), args.end());
  auto out = dir + "/cli.out";
  ::unlink(out.c_str());
  child_process cli;
  cli.start(argv, out);
  auto code = cli.wait();
  auto text = sb::test::file_tail(out, 1 << 20);
  if (code != 0)
    throw std::runtime_error("switchboard " + args.front()
                             + " failed: " + text);
  return text;
}

std::string last_line_starting(const std::string& text, const std::string& p) {
  std::string line, last;
  std::size_t from = 0;
  while (from < text.size()) {
    auto nl = text.find('\n', from);
    line = text.substr(from,
                       nl == std::string::npos ? std::string::npos : nl - from);
    if (line.rfind(p, 0) == 0)
      last = line;
    if (nl == std::string::npos)
      break;
    from = nl + 1;
  }
  return last;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  auto i
    = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

} // namespace

int main(int argc, char** argv) {
  auto bin = flag(argc, argv, "--switchboard", "build-release/bin/switchboard");
  auto runs = static_cast<int>(flag_int(argc, argv, "--runs", 3));
  auto feed_s = static_cast<double>(flag_int(argc, argv, "--feed-s", 60));
  auto calls_per_file
    = static_cast<int>(flag_int(argc, argv, "--calls-per-file", 2000));
  auto turns = static_cast<int>(flag_int(argc, argv, "--turns", 4));
  auto noise = static_cast<int>(flag_int(argc, argv, "--noise", 9));
  auto publish_n
    = static_cast<std::uint64_t>(flag_int(argc, argv, "--publish", 300'000));
  auto latency_calls
    = static_cast<int>(flag_int(argc, argv, "--latency-calls", 200));
  auto latency_rate
    = static_cast<double>(flag_int(argc, argv, "--latency-rate", 20));
  auto feeders = static_cast<int>(flag_int(argc, argv, "--feeders", 2));
  // At most this many files per run (0: no limit): keeps a slow pipeline's
  // drain and replay inside the time budget.
  auto max_files
    = static_cast<std::uint64_t>(flag_int(argc, argv, "--max-files", 0));
  auto max_live
    = static_cast<std::uint64_t>(flag_int(argc, argv, "--max-live", 6'000));
  auto max_lag
    = static_cast<std::uint64_t>(flag_int(argc, argv, "--max-lag", 200'000));
  auto replay_events = static_cast<std::uint64_t>(
    flag_int(argc, argv, "--replay-events", 1'400'000));
  auto out = flag(argc, argv, "--out", "");
  if (bin.front() != '/') {
    char cwd[4096];
    if (::getcwd(cwd, sizeof cwd))
      bin = std::string{cwd} + "/" + bin;
  }

  char tmpl[] = "/tmp/sb-bench-pipeline-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  progress("work dir " + dir + "; building the template log");
  auto tlog = make_template(calls_per_file, turns, noise);
  progress("template: " + std::to_string(tlog.lines.size()) + " lines, "
           + std::to_string(calls_per_file) + " calls");

  sb::test::postgres_server pg;
  nlohmann::json result_runs = nlohmann::json::array();
  nlohmann::json notes = nlohmann::json::array();
  std::uint64_t variant_base = 1;

  for (int r = 0; r < runs; ++r) {
    nlohmann::json run;
    sb::test::nats_server nats;
    auto db_url = pg.fresh_database("e2e_" + std::to_string(r));
    run_cli(bin, {"migrate", "--pg", db_url}, dir);
    auto key
      = last_line_starting(run_cli(bin,
                                   {"keys", "create", "--pg", db_url,
                                    "--tenant", "default", "--role", "admin"},
                                   dir),
                           "sb_");
    int port = sb::test::free_port();
    child_process node;
    node.start({bin, "node", "--nats", nats.url(), "--pg", db_url, "--listen",
                "127.0.0.1:" + std::to_string(port), "--node-id", "bench-node"},
               dir + "/node-" + std::to_string(r) + ".log");
    auto deadline = now_s() + 60;
    while (now_s() < deadline && healthz(port).value("status", "") != "ok") {
      if (!node.is_running())
        throw std::runtime_error("node exited: " + node.log_tail());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    progress("run " + std::to_string(r + 1) + ": node up on port "
             + std::to_string(port));

    std::string error;
    std::shared_ptr<sb::jetstream> js{
      sb::jetstream::connect(nats.url(), "bench", error)};
    if (!js)
      throw std::runtime_error(error);

    // -- 1. end to end ------------------------------------------------------
    std::vector<sample> samples;
    std::mutex samples_mtx;
    std::atomic<bool> sampling{true};
    auto t0 = now_s();
    std::thread sampler{[&] {
      sb::jetstream::stream_state ev;
      std::string err;
      while (sampling) {
        auto h = healthz(port);
        sample s;
        s.t = now_s() - t0;
        s.position = h.value("projection_position", std::uint64_t{0});
        s.min_position = slowest_projection(h);
        s.live_calls = h.value("live_calls", std::uint64_t{0});
        if (js->state_of(sb::events_stream, ev, err))
          s.head = ev.last_seq;
        {
          std::lock_guard<std::mutex> lock{samples_mtx};
          samples.push_back(s);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1000));
      }
    }};
    std::atomic<std::uint64_t> next_variant{variant_base};
    std::atomic<std::uint64_t> files_done{0};
    std::atomic<std::uint64_t> ingest_failures{0};
    std::vector<std::thread> feed;
    for (int f = 0; f < feeders; ++f) {
      feed.emplace_back([&, f] {
        while (now_s() - t0 < feed_s) {
          auto v = next_variant++;
          if (max_files > 0 && v >= variant_base + max_files)
            break;
          // Wait until the node has worked off most of what was fed.
          auto busy = [&] {
            sb::jetstream::stream_state ev;
            std::string err;
            auto h = healthz(port);
            auto pos = slowest_projection(h);
            if (!js->state_of(sb::events_stream, ev, err))
              return false;
            return h.value("live_calls", std::uint64_t{0}) > max_live
                   || (ev.last_seq > pos && ev.last_seq - pos > max_lag);
          };
          while (now_s() - t0 < feed_s && busy())
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
          if (now_s() - t0 >= feed_s)
            break;
          auto path = dir + "/feed-" + std::to_string(f) + ".log";
          write_variant(tlog, v, path);
          child_process ingest;
          ingest.start({bin, "ingest", "--agent",
                        "bench-agent-" + std::to_string(f + 1), "--nats",
                        nats.url(), path},
                       dir + "/ingest-" + std::to_string(f) + ".out");
          if (ingest.wait() != 0)
            ++ingest_failures;
          else
            ++files_done;
          ::unlink(path.c_str());
        }
      });
    }
    for (auto& t : feed)
      t.join();
    variant_base = next_variant.load();
    auto fed_s = now_s() - t0;
    progress("fed " + std::to_string(files_done.load()) + " files in "
             + std::to_string(fed_s) + " s; draining");
    // Drained: every signal acknowledged and the projection at the head.
    double drained_at = 0;
    bool drained = false;
    auto drain_deadline = now_s() + 240;
    while (now_s() < drain_deadline) {
      sb::jetstream::stream_state sig, ev;
      std::string err;
      if (js->state_of(sb::signals_stream, sig, err)
          && js->state_of(sb::events_stream, ev, err)) {
        auto h = healthz(port);
        if (sig.messages == 0 && slowest_projection(h) >= ev.last_seq
            && ev.last_seq > 0) {
          drained_at = now_s() - t0;
          drained = true;
          break;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    sampling = false;
    sampler.join();
    if (!drained)
      drained_at = now_s() - t0;
    sb::jetstream::stream_state ev_final;
    js->state_of(sb::events_stream, ev_final, error);
    auto h = healthz(port);
    auto committed = h.value("projection_position", std::uint64_t{0});
    std::uint64_t peak_live = 0, pos10 = 0, pos_feed = 0, max_lag_seen = 0;
    double t10 = 0, t_feed = 0;
    for (const auto& s : samples) {
      peak_live = std::max(peak_live, s.live_calls);
      // The incremental projections' lag while the feed runs.
      if (s.t <= fed_s && s.head > s.min_position)
        max_lag_seen = std::max(max_lag_seen, s.head - s.min_position);
      if (s.t <= 10) {
        pos10 = s.position;
        t10 = s.t;
      }
      if (s.t <= fed_s) {
        pos_feed = s.position;
        t_feed = s.t;
      }
    }
    run["e2e_events"] = committed;
    run["e2e_seconds"] = drained_at;
    run["e2e_events_per_s"] = static_cast<double>(committed) / drained_at;
    run["e2e_steady_events_per_s"]
      = t_feed > t10 ? static_cast<double>(pos_feed - pos10) / (t_feed - t10)
                     : 0;
    run["e2e_feed_s"] = fed_s;
    run["e2e_drained"] = drained;
    run["e2e_files"] = files_done.load();
    run["e2e_calls"]
      = files_done.load() * static_cast<std::uint64_t>(calls_per_file);
    run["e2e_lines"] = files_done.load() * tlog.lines.size();
    run["e2e_ingest_failures"] = ingest_failures.load();
    run["e2e_peak_live_calls"] = peak_live;
    run["e2e_max_projection_lag"] = max_lag_seen;
    run["e2e_projections"] = h.value("projections", nlohmann::json::object());
    run["e2e_node_events_stored"] = h.value("events_stored", std::uint64_t{0});
    progress("e2e: " + std::to_string(committed) + " events in "
             + std::to_string(drained_at) + " s, peak live "
             + std::to_string(peak_live));

    // -- 2. ingest-to-row latency -------------------------------------------
    if (latency_calls > 0) {
      std::vector<std::string> bodies, ids;
      for (int i = 0; i < latency_calls; ++i) {
        auto one = sb::test::build_cloud_log(1, 1, 0, 1000 + r * 100000ULL + i);
        bodies.push_back(one.body());
        ids.push_back(one.call_ids.front());
      }
      std::vector<double> sent(ids.size(), 0), seen(ids.size(), 0);
      std::atomic<int> posted{0};
      std::atomic<bool> polling{true};
      std::thread poller{[&] {
        pqxx::connection c{db_url};
        std::map<std::string, std::size_t> waiting_ids;
        std::size_t known = 0;
        while (polling) {
          auto n = static_cast<std::size_t>(posted.load());
          for (; known < n; ++known)
            waiting_ids.emplace(ids[known], known);
          if (!waiting_ids.empty()) {
            std::string list;
            for (const auto& [id, i] : waiting_ids)
              list += (list.empty() ? "'" : ",'") + id + "'";
            pqxx::nontransaction tx{c};
            auto rows
              = tx.exec("select id from sessions where id in (" + list + ")");
            auto t = now_s();
            for (const auto& row : rows) {
              auto it = waiting_ids.find(row[0].c_str());
              if (it != waiting_ids.end()) {
                seen[it->second] = t;
                waiting_ids.erase(it);
              }
            }
          } else if (known == ids.size()) {
            break;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
      }};
      auto l0 = now_s();
      int rejected = 0;
      for (std::size_t i = 0; i < ids.size(); ++i) {
        auto due = l0 + static_cast<double>(i) / latency_rate;
        while (now_s() < due)
          std::this_thread::sleep_for(std::chrono::microseconds(500));
        sent[i] = now_s();
        auto resp
          = sb::test::http_request(static_cast<std::uint16_t>(port), "POST",
                                   "/v1/ingest/pipecat?agent_id=latency",
                                   bodies[i], sb::test::bearer(key));
        if (resp.status != 202)
          ++rejected;
        ++posted;
      }
      auto wait_until = now_s() + 30;
      while (now_s() < wait_until) {
        bool all = true;
        for (auto s : seen)
          all = all && s > 0;
        if (all)
          break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      polling = false;
      poller.join();
      std::vector<double> delays;
      for (std::size_t i = 0; i < ids.size(); ++i)
        if (seen[i] > 0)
          delays.push_back((seen[i] - sent[i]) * 1000.0);
      run["latency_calls"] = ids.size();
      run["latency_rows_seen"] = delays.size();
      run["latency_rejected"] = rejected;
      run["latency_p50_ms"] = percentile(delays, 0.50);
      run["latency_p99_ms"] = percentile(delays, 0.99);
      run["latency_max_ms"] = percentile(delays, 1.0);
      progress("latency p50 " + std::to_string(percentile(delays, 0.5))
               + " ms, p99 " + std::to_string(percentile(delays, 0.99))
               + " ms (" + std::to_string(delays.size()) + " rows)");
    }

    // -- 3b. a replay log of at least --replay-events ----------------------
    {
      std::uint64_t extra_files = 0;
      sb::jetstream::stream_state ev, sig;
      std::string err;
      auto top_deadline = now_s() + 900;
      while (js->state_of(sb::events_stream, ev, err)
             && ev.last_seq < replay_events && now_s() < top_deadline) {
        // One file at a time, waiting while the node has a file's worth of
        // signals queued: its call actors turn them into events.
        while (js->state_of(sb::signals_stream, sig, err)
               && sig.messages > 2 && now_s() < top_deadline)
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        auto path = dir + "/top-up.log";
        write_variant(tlog, variant_base++, path);
        child_process ingest;
        ingest.start({bin, "ingest", "--agent", "bench-agent-1", "--nats",
                      nats.url(), path},
                     dir + "/ingest-top-up.out");
        if (ingest.wait() != 0)
          throw std::runtime_error("top-up ingest failed");
        ::unlink(path.c_str());
        ++extra_files;
      }
      while (js->state_of(sb::signals_stream, sig, err) && sig.messages > 0
             && now_s() < top_deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      run["replay_top_up_files"] = extra_files;
      if (extra_files > 0)
        progress("replay log topped up with " + std::to_string(extra_files)
                 + " files");
    }

    node.stop(std::chrono::seconds{20});
    sb::jetstream::stream_state ev_all;
    js->state_of(sb::events_stream, ev_all, error);
    auto head = ev_all.last_seq;

    // -- 3. publish ceiling -------------------------------------------------
    {
      bare_publisher pub{nats.url()};
      pub.create_stream("BENCH_PUB", {"bench.pub.>"});
      auto st = pub.publish(
        0, publish_n, [](std::uint64_t) { return std::string{"bench.pub.x"}; },
        nullptr, 200);
      pub.delete_stream("BENCH_PUB");
      run["publish_msgs"] = st.sent;
      run["publish_errors"] = st.errors;
      run["publish_msgs_per_s"] = st.per_second();
      progress("publish ceiling: " + std::to_string(st.per_second())
               + " msg/s");
    }

    // -- 4. replay ----------------------------------------------------------
    {
      auto replay_url = pg.fresh_database("replay_" + std::to_string(r));
      if (auto applied = sb::db::migrate(replay_url); !applied)
        throw std::runtime_error("migrate failed");
      sb::projections::replay_options ro;
      ro.projections = sb::projections::projection_names();
      ro.pg_url = replay_url;
      ro.rules = &sb::analysis::default_rules();
      auto replayed = sb::projections::replay(js, ro);
      if (!replayed)
        throw std::runtime_error("replay: "
                                 + sb::db::describe(replayed.error()));
      auto pos = replayed->position;
      auto secs = replayed->seconds;
      run["replay_events"] = pos;
      run["replay_seconds"] = secs;
      run["replay_events_per_s"] = static_cast<double>(pos) / secs;
      run["replay_projections"] = ro.projections.size();
      progress("replay: " + std::to_string(pos) + " events in "
               + std::to_string(secs) + " s");
    }

    // -- 5. pull ceiling ----------------------------------------------------
    {
      auto reader
        = sb::stream_reader::open(*js, sb::events_stream, "sb.evt.*", 1, error);
      if (!reader)
        throw std::runtime_error(error);
      std::vector<sb::stream_message> batch;
      std::uint64_t count = 0;
      auto f0 = now_s();
      auto pull_deadline = now_s() + 300;
      while (count < head && now_s() < pull_deadline) {
        batch.clear();
        if (!reader->fetch(batch, 1000, 1000, error))
          throw std::runtime_error(error);
        count += batch.size();
      }
      auto secs = now_s() - f0;
      run["pull_events"] = count;
      run["pull_seconds"] = secs;
      run["pull_events_per_s"] = static_cast<double>(count) / secs;
      progress("pull ceiling: " + std::to_string(count / secs) + " msg/s");
    }
    run["nats_rss_kib"] = rss_kib(nats.pid());
    result_runs.push_back(run);
  }
  notes.push_back("e2e log: log_builder template, every file the same calls "
                  "with fresh ids");
  write_result(out, {{"bench", "pipeline"},
                     {"params",
                      {{"runs", runs},
                       {"feed_s", feed_s},
                       {"calls_per_file", calls_per_file},
                       {"lines_per_file", tlog.lines.size()},
                       {"turns", turns},
                       {"noise", noise},
                       {"feeders", feeders},
                       {"max_files", max_files},
                       {"max_live_calls", max_live},
                       {"max_projection_lag", max_lag},
                       {"replay_events_min", replay_events},
                       {"publish_msgs", publish_n},
                       {"publish_bytes", 200},
                       {"latency_calls", latency_calls},
                       {"latency_rate_per_s", latency_rate}}},
                     {"runs", result_runs},
                     {"notes", notes}});
  std::string rm = "rm -rf '" + dir + "'";
  run_shell(rm);
  return 0;
}
