// Startup over a long history: how long a `switchboard node` takes to own
// all its partitions after a restart, and how much memory it holds then,
// against the number of events in SB_EVENTS (issue 10). A restarted node
// reads each partition only from its oldest live call or from the first
// event its projection has not committed (docs/adr/0002), so neither figure
// should grow with the stream.
//
// For every stream size (`--events`, default 100 k, 500 k and 1 M), on a
// nats-server of its own and a fresh database of a shared PostgreSQL
// (tests/support/servers.hpp, free loopback ports):
//  1. SB_EVENTS is created as the node creates it (jetstream::
//     ensure_streams) and filled at the publisher's rate with encoded
//     events (the project's structs and codec, Nats-Msg-Id = event.id()),
//     written as a previous owner would have: the bench takes the 64
//     leases in `sb_leases` (their KV revisions are its epochs), appends a
//     `partition_acquired` marker first on each partition, then ended calls
//     (call_started, `--turns` exchanges of user_spoke, agent_spoke and
//     turn_latency_measured, usage_recorded, call_ended) interleaved
//     `--wave` at a time, and `--live` live calls (the same events, no end)
//     whose events are spread over the last `--live-window` events of the
//     stream: the same live tail for every size. Then it releases the
//     leases.
//  2. `switchboard migrate`, then a first `switchboard node` on an empty
//     projection (it reads every partition from event 1, as every start
//     used to); it runs until its sessions projection has committed up to
//     the SB_EVENTS head, then gets SIGTERM.
//  3. `--restarts` restarts (default 3): time from exec to /healthz
//     `partitions_owned` == `partitions` (the HTTP API answers only after
//     the first round of takeovers), the node's VmRSS `--settle-s` seconds
//     later and its VmHWM (peak), CPU time used by then, the live calls it
//     rebuilt (/healthz `live_calls`); each restart waits for the
//     projection to commit the head (the new markers) before its SIGTERM,
//     so the next one starts from a checkpoint at the head.
//  4. Beside it, no node: 64 bare stream_readers reading the ranges a
//     restart reads (and from event 1), and where those ranges start
//     relative to the server's message block files.
// bench/report prints the medians per size and their ratio to the smallest
// size of the same run (the baseline).
//
//   bench_startup --switchboard build-release/bin/switchboard
//                 [--events 100000,500000,1000000] [--restarts 3]
//                 [--live 300] [--live-window 20000] [--live-events 5]
//                 [--turns 4] [--wave 200] [--settle-s 3]
//                 [--inactivity-timeout 3600] [--keep-logs 0] [--out FILE]

#include "bench_util.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/servers.hpp"

#include "switchboard/events/codec.hpp"
#include "switchboard/events/jetstream.hpp"
#include "switchboard/events/partitions.hpp"
#include "switchboard/events/stream_reader.hpp"

#include <nats/nats.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unistd.h>

using namespace sb::bench;
using sb::test::child_process;

namespace {

constexpr std::uint32_t partitions = sb::default_partition_count;
constexpr const char* tenant = "default";
/// The node that wrote the history, as far as the leases and markers say.
constexpr const char* history_node = "bench-history";

// -- the synthetic history --------------------------------------------------

struct history_shape {
  std::uint64_t events = 0; ///< in SB_EVENTS, markers included
  int turns = 4;            ///< exchanges per ended call
  std::uint64_t wave = 200; ///< ended calls interleaved at a time
  std::uint64_t live = 300;
  std::uint64_t live_window = 20'000;
  int live_events = 5;

  [[nodiscard]] int per_call() const { return 1 + 3 * turns + 2; }
  [[nodiscard]] std::uint64_t ended_events() const {
    return events - partitions - live * static_cast<std::uint64_t>(live_events);
  }
  [[nodiscard]] std::uint64_t ended_calls() const {
    return ended_events() / static_cast<std::uint64_t>(per_call());
  }
};

std::string call_id(std::uint64_t c) {
  char id[40];
  std::snprintf(
    id, sizeof id, "%08llx-0000-4000-8000-%012llx",
    static_cast<unsigned long long>(c * 2654435761ULL & 0xffffffffULL),
    static_cast<unsigned long long>(c));
  return id;
}

const char* const user_lines[] = {
  "Hi, I am calling about my last invoice, it looks higher than usual.",
  "Yes, the account is under my name, the number ends in four two one.",
  "Can you move the appointment to Thursday afternoon instead?",
  "No, that is all, thank you for your help today.",
};
const char* const agent_lines[] = {
  "Of course, I can help with that. Could you confirm the account holder?",
  "Thanks. I see a one-time installation fee on this month's invoice.",
  "Thursday at three is free; I have moved your appointment there.",
  "You are welcome. Is there anything else I can do for you today?",
};

/// Event `j` (0-based) of call `c`, `n` events in all when it ends
/// (`ends`); `at` is its source time, `started` the call's first event's.
sb::event make_event(std::uint64_t c, int j, int n, bool ends, sb::time_us at,
                     sb::time_us started, std::uint64_t source_position) {
  sb::event e;
  e.env.tenant_id = tenant;
  e.env.call_id = call_id(c);
  e.env.seq = static_cast<std::uint64_t>(j) + 1;
  e.env.occurred_at = at;
  e.env.recorded_at = at + 50'000;
  e.env.source_position = source_position;
  e.env.source_hash = sb::fnv1a64(e.env.call_id, e.env.seq);
  if (j == 0) {
    e.payload = sb::call_started{
      "bench-agent-" + std::to_string(c % 5 + 1), "inbound",   "pipecat", "",
      "+15550100" + std::to_string(c % 100),      "+15550199", "en"};
  } else if (ends && j == n - 1) {
    e.payload = sb::call_ended{sb::call_status::completed, "pipeline_finished",
                               at, (at - started) / 1000};
  } else if (ends && j == n - 2) {
    e.payload = sb::usage_recorded{"OpenAILLMService", 900 + j * 10, 120 + j,
                                   480, 31.5};
  } else {
    auto m = j - 1;
    auto exchange = static_cast<std::uint32_t>(m / 3);
    auto line = exchange % 4;
    switch (m % 3) {
    case 0:
      e.payload = sb::user_spoke{2 * exchange + 1,
                                 0,
                                 user_lines[line],
                                 at - 2'000'000,
                                 at,
                                 "en",
                                 0.93,
                                 false};
      break;
    case 1:
      e.payload = sb::agent_spoke{2 * exchange + 2, 0, agent_lines[line], at};
      break;
    default:
      e.payload = sb::turn_latency_measured{
        2 * exchange + 2, 180, 420, 150, 910, false};
    }
  }
  return e;
}

/// The ended calls in stream order: `wave` calls at a time, event k of
/// each before event k + 1 of any. The last call takes the remainder of
/// `events` as extra exchanges, so the total is exact.
class ended_calls {
public:
  explicit ended_calls(const history_shape& s)
    : calls_(s.ended_calls()), wave_(s.wave), per_call_(s.per_call()),
      extra_(static_cast<int>(s.ended_events()
                              % static_cast<std::uint64_t>(s.per_call()))),
      started_(s.wave, 0) {}

  [[nodiscard]] int events_of(std::uint64_t c) const {
    return per_call_ + (c + 1 == calls_ ? extra_ : 0);
  }

  /// The next (call, event index), false when every call has ended.
  bool next(std::uint64_t& call, int& j) {
    while (first_ < calls_) {
      auto size = std::min(wave_, calls_ - first_);
      if (c_ == size) {
        c_ = 0;
        ++k_;
      }
      if (k_ >= events_of(first_ + size - 1)) {
        first_ += size;
        c_ = 0;
        k_ = 0;
        continue;
      }
      auto c = first_ + c_++;
      if (k_ < events_of(c)) {
        call = c;
        j = k_;
        return true;
      }
    }
    return false;
  }

  /// The first event's time of a call of the current wave.
  sb::time_us& started(std::uint64_t c) {
    return started_[(c - first_) % wave_];
  }

  [[nodiscard]] std::uint64_t calls() const { return calls_; }

private:
  std::uint64_t calls_, wave_;
  int per_call_, extra_;
  std::uint64_t first_ = 0, c_ = 0;
  int k_ = 0;
  std::vector<sb::time_us> started_;
};

struct live_slot {
  std::uint64_t position;
  std::uint64_t call; ///< 0-based among the live calls
  int j;
};

/// Where the live calls' events go: call i starts at an even spacing over
/// the last `live_window` events and spreads its events to the head.
std::vector<live_slot> live_layout(const history_shape& s) {
  std::vector<live_slot> slots;
  if (s.live == 0)
    return slots;
  auto window = std::min(s.live_window, s.events - partitions);
  auto from = s.events - window;
  for (std::uint64_t i = 0; i < s.live; ++i) {
    auto start = from + i * (window / s.live);
    auto gap
      = (s.events - start) / static_cast<std::uint64_t>(s.live_events + 1);
    for (int j = 0; j < s.live_events; ++j)
      slots.push_back({start + static_cast<std::uint64_t>(j) * gap, i, j});
  }
  std::stable_sort(slots.begin(), slots.end(),
                   [](const live_slot& a, const live_slot& b) {
                     return a.position < b.position;
                   });
  // Distinct positions, order kept (a call's events stay in seq order),
  // all inside the stream.
  for (std::size_t i = 1; i < slots.size(); ++i)
    slots[i].position = std::max(slots[i].position, slots[i - 1].position + 1);
  for (std::size_t i = slots.size(); i-- > 0;) {
    auto limit
      = i + 1 < slots.size() ? slots[i + 1].position - 1 : s.events - 1;
    slots[i].position = std::min(slots[i].position, limit);
  }
  if (slots.front().position < partitions)
    throw std::runtime_error("--live-window too small for the live calls");
  return slots;
}

// -- publishing -------------------------------------------------------------

std::atomic<std::uint64_t> publish_errors{0};

void on_publish_error(jsCtx*, jsPubAckErr*, void*) {
  ++publish_errors;
}

void check(natsStatus s, const char* what) {
  if (s != NATS_OK)
    throw std::runtime_error(std::string{what} + ": " + natsStatus_GetText(s)
                             + " " + nats_GetLastError(nullptr));
}

struct published {
  double seconds = 0;
  std::uint64_t events = 0, ended_calls = 0, live_calls = 0;
  std::uint64_t bytes = 0;
};

/// Takes every lease as the history's writer would have (the epochs its
/// events carry: KV revisions, lower than any the node gets later).
std::vector<std::uint64_t> take_leases(sb::jetstream& js) {
  std::vector<std::uint64_t> epochs;
  for (std::uint32_t p = 0; p < partitions; ++p) {
    std::uint64_t rev = 0;
    auto key = "p" + std::to_string(p);
    check(kvStore_CreateString(&rev, js.leases(), key.c_str(), history_node),
          "take a lease");
    epochs.push_back(rev);
  }
  return epochs;
}

/// Hands them back as a stopping node does (an empty owner); a lease that
/// expired meanwhile is free already.
void release_leases(sb::jetstream& js, const std::vector<std::uint64_t>& at) {
  for (std::uint32_t p = 0; p < partitions; ++p) {
    std::uint64_t rev = 0;
    auto key = "p" + std::to_string(p);
    (void)kvStore_UpdateString(&rev, js.leases(), key.c_str(), "", at[p]);
  }
}

/// Fills SB_EVENTS (already created) with the history, as the owner of
/// every partition; throws unless the server stored exactly
/// `shape.events` messages.
published publish_history(const std::string& url, sb::jetstream& js,
                          const history_shape& shape) {
  auto epochs = take_leases(js);
  natsConnection* nc = nullptr;
  check(natsConnection_ConnectTo(&nc, url.c_str()), "connect");
  jsOptions o;
  jsOptions_Init(&o);
  o.PublishAsync.MaxPending = 8192;
  o.PublishAsync.ErrHandler = on_publish_error;
  jsCtx* ctx = nullptr;
  check(natsConnection_JetStream(&ctx, nc, &o), "jetstream");

  published out;
  ended_calls ended{shape};
  auto live = live_layout(shape);
  std::vector<sb::time_us> live_started(shape.live, 0);
  std::size_t next_live = 0;
  // One event every 10 ms of source time, ending 10 s ago.
  constexpr sb::time_us step_us = 10'000;
  auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  auto base
    = now_us - 10'000'000 - static_cast<sb::time_us>(shape.events) * step_us;
  auto errors0 = publish_errors.load();
  auto t0 = now_s();
  for (std::uint64_t pos = 0; pos < shape.events; ++pos) {
    auto at = base + static_cast<sb::time_us>(pos) * step_us;
    sb::event e;
    if (pos < partitions) {
      e.env.epoch = epochs[pos];
      e.env.occurred_at = at;
      e.env.recorded_at = at;
      e.payload = sb::partition_acquired{static_cast<std::uint32_t>(pos),
                                         epochs[pos], history_node};
      auto subject = sb::event_subject(static_cast<std::uint32_t>(pos));
      auto data = sb::encode(e);
      natsMsg* m = nullptr;
      check(natsMsg_Create(&m, subject.c_str(), nullptr, data.data(),
                           static_cast<int>(data.size())),
            "message");
      check(natsMsgHeader_Set(m, "Nats-Msg-Id", e.id().c_str()), "header");
      check(js_PublishMsgAsync(ctx, &m, nullptr), "publish");
      natsMsg_Destroy(m);
      out.bytes += data.size();
      ++out.events;
      continue;
    }
    if (next_live < live.size() && live[next_live].position == pos) {
      const auto& slot = live[next_live++];
      auto c = ended.calls() + slot.call;
      if (slot.j == 0)
        live_started[slot.call] = at;
      e = make_event(c, slot.j, shape.live_events + 3, false, at,
                     live_started[slot.call], pos + 1);
    } else {
      std::uint64_t c = 0;
      int j = 0;
      if (!ended.next(c, j))
        throw std::logic_error("the ended calls ran out before the head");
      if (j == 0)
        ended.started(c) = at;
      e = make_event(c, j, ended.events_of(c), true, at, ended.started(c),
                     pos + 1);
    }
    auto p = sb::partition_of(e.env.call_id, partitions);
    e.env.epoch = epochs[p];
    auto subject = sb::event_subject(p);
    auto data = sb::encode(e);
    natsMsg* m = nullptr;
    check(natsMsg_Create(&m, subject.c_str(), nullptr, data.data(),
                         static_cast<int>(data.size())),
          "message");
    check(natsMsgHeader_Set(m, "Nats-Msg-Id", e.id().c_str()), "header");
    if (js_PublishMsgAsync(ctx, &m, nullptr) != NATS_OK)
      ++publish_errors;
    natsMsg_Destroy(m); // null when the library took it
    out.bytes += data.size();
    ++out.events;
    if (pos % 200'000 == 0 && pos > 0)
      progress("published " + std::to_string(pos) + " events");
  }
  std::uint64_t c = 0;
  int j = 0;
  if (ended.next(c, j) || next_live != live.size())
    throw std::logic_error("events left over after the head");
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MaxWait = 300'000;
  check(js_PublishAsyncComplete(ctx, &po), "publish complete");
  out.seconds = now_s() - t0;
  release_leases(js, epochs);
  jsCtx_Destroy(ctx);
  natsConnection_Destroy(nc);
  if (publish_errors.load() != errors0)
    throw std::runtime_error(std::to_string(publish_errors.load() - errors0)
                             + " publishes failed");
  sb::jetstream::stream_state st;
  std::string error;
  if (!js.state_of(sb::events_stream, st, error))
    throw std::runtime_error(error);
  if (st.last_seq != shape.events || st.messages != shape.events)
    throw std::runtime_error("SB_EVENTS holds " + std::to_string(st.messages)
                             + " messages (last seq "
                             + std::to_string(st.last_seq) + "), expected "
                             + std::to_string(shape.events));
  out.ended_calls = ended.calls();
  out.live_calls = shape.live;
  return out;
}

// -- the node ---------------------------------------------------------------

nlohmann::json healthz(int port) {
  try {
    auto r = sb::test::http_request(static_cast<std::uint16_t>(port), "GET",
                                    "/healthz");
    if (r.status != 200)
      return nlohmann::json::object();
    return r.json();
  } catch (const std::exception&) {
    return nlohmann::json::object();
  }
}

/// A field of /proc/<pid>/status in KiB ("VmRSS:", "VmHWM:"); 0 if unknown.
std::uint64_t status_kib(int pid, const std::string& field) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field, 0) == 0) {
      std::istringstream fields{line.substr(field.size())};
      std::uint64_t kib = 0;
      fields >> kib;
      return kib;
    }
  return 0;
}

/// User + system CPU seconds of a process so far.
double cpu_s(int pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
  std::string all{std::istreambuf_iterator<char>{in}, {}};
  auto close = all.rfind(')');
  if (close == std::string::npos)
    return 0;
  std::istringstream fields{all.substr(close + 2)};
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i)
    if (i == 14 || i == 15)
      ticks += std::stod(field);
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

void run_cli(const std::vector<std::string>& argv, const std::string& log) {
  child_process cli;
  cli.start(argv, log);
  if (auto code = cli.wait(); code != 0)
    throw std::runtime_error(argv[1] + " failed (" + std::to_string(code)
                             + "): " + sb::test::file_tail(log));
}

/// Lines of a node log at warn level or above (spdlog: "[warning]", ...).
std::vector<std::string> warnings_in(const std::string& path) {
  std::ifstream in{path};
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line))
    if (line.find("[warning]") != std::string::npos
        || line.find("[error]") != std::string::npos
        || line.find("[critical]") != std::string::npos)
      out.push_back(line);
  return out;
}

struct node_run {
  std::string bin, nats_url, db_url, log;
  int port = 0;
  double inactivity_s = 3600;
};

/// One node start: exec → 64/64 → settle → figures → projection at the
/// head → SIGTERM. Throws only when the node cannot be started at all.
nlohmann::json start_and_measure(const node_run& how, sb::jetstream& js,
                                 double settle_s, double own_timeout_s,
                                 double head_timeout_s) {
  nlohmann::json r;
  child_process node;
  auto t0 = now_s();
  node.start({how.bin, "node", "--nats", how.nats_url, "--pg", how.db_url,
              "--listen", "127.0.0.1:" + std::to_string(how.port), "--node-id",
              "bench-node", "--inactivity-timeout",
              std::to_string(how.inactivity_s)},
             how.log);
  auto pid = node.pid();
  double first_answer = 0, owned_at = 0;
  nlohmann::json h;
  while (now_s() - t0 < own_timeout_s) {
    if (!node.is_running())
      break;
    h = healthz(how.port);
    if (!h.empty() && first_answer == 0)
      first_answer = now_s() - t0;
    if (!h.empty()
        && h.value("partitions_owned", 0) == h.value("partitions", -1)) {
      owned_at = now_s() - t0;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  r["reached_all_partitions"] = owned_at > 0;
  r["start_s"] = owned_at > 0 ? nlohmann::json(owned_at) : nlohmann::json();
  r["first_health_answer_s"] = first_answer;
  r["cpu_at_all_partitions_s"] = owned_at > 0 ? cpu_s(pid) : 0.0;
  r["partitions_owned"] = h.value("partitions_owned", 0);
  r["partitions"] = h.value("partitions", 0);
  if (owned_at == 0) {
    r["node_log_tail"] = sb::test::file_tail(how.log, 3000);
    progress("node did not own every partition in "
             + std::to_string(own_timeout_s)
             + " s: " + sb::test::file_tail(how.log, 600));
  }
  if (node.is_running()) {
    std::this_thread::sleep_for(std::chrono::duration<double>(settle_s));
    r["rss_kib"] = status_kib(pid, "VmRSS:");
    r["hwm_kib"] = status_kib(pid, "VmHWM:");
    auto after = healthz(how.port);
    for (int i = 0; i < 20 && !after.contains("live_calls"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      after = healthz(how.port); // "router": "busy" has no counts
    }
    r["live_calls"] = after.value("live_calls", std::uint64_t{0});
    r["ended_calls"] = after.value("ended_calls", std::uint64_t{0});
    // The projection commits the head (this start's markers) before the
    // stop, so the next start reads from a checkpoint at the head.
    sb::jetstream::stream_state st;
    std::string error;
    auto c0 = now_s();
    bool at_head = false;
    while (now_s() - c0 < head_timeout_s && node.is_running()) {
      if (js.state_of(sb::events_stream, st, error)
          && healthz(how.port).value("projection_position", std::uint64_t{0})
               >= st.last_seq) {
        at_head = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    r["projection_at_head"] = at_head;
    r["projection_at_head_s"] = now_s() - t0;
    r["hwm_at_head_kib"] = status_kib(pid, "VmHWM:");
  }
  auto s0 = now_s();
  node.kill(SIGTERM);
  bool stopped = node.wait_for(std::chrono::seconds{30});
  r["stop_s"] = now_s() - s0;
  if (!stopped)
    node.stop(std::chrono::seconds{1});
  auto st = node.status();
  r["exit"] = st.describe();
  r["clean_exit"] = st.clean();
  auto warnings = warnings_in(how.log);
  r["log_warnings"] = warnings.size();
  if (!warnings.empty()) {
    auto first = nlohmann::json::array();
    for (std::size_t i = 0; i < warnings.size() && i < 5; ++i)
      first.push_back(warnings[i]);
    r["first_log_warnings"] = first;
  }
  return r;
}

/// Where a start reads from: the projection's checkpoint and the live
/// calls' first positions; `when` is "before" or "after" (the start).
void add_checkpoint(nlohmann::json& r, const std::string& db_url,
                    const std::string& when) {
  try {
    pqxx::connection c{db_url};
    pqxx::nontransaction tx{c};
    auto cp = tx.exec("select coalesce(max(position), 0) from "
                      "projection_checkpoints where projection = 'sessions'");
    auto live = tx.exec("select count(*), coalesce(min(first_position), 0) "
                        "from live_calls");
    auto sessions = tx.exec("select count(*) from sessions");
    r["checkpoint_" + when] = cp[0][0].as<std::uint64_t>();
    r["live_calls_rows_" + when] = live[0][0].as<std::uint64_t>();
    r["oldest_live_position_" + when] = live[0][1].as<std::uint64_t>();
    r["sessions_rows_" + when] = sessions[0][0].as<std::uint64_t>();
  } catch (const std::exception& e) {
    r["checkpoint_error_" + when] = e.what();
  }
}

/// The read a start does, without the node: for every partition a
/// stream_reader on sb.evt.<p> from `from[p]`, fetching batches of 1024
/// (as router::rehydrate does) until the server says nothing is pending.
/// Seconds opening the readers (consumer creation) and fetching, and each
/// partition's milliseconds.
struct bare_read {
  double open_s = 0, fetch_s = 0;
  std::uint64_t messages = 0;
  std::vector<double> ms; ///< per partition, open + fetch
};

bare_read read_partitions(sb::jetstream& js,
                          const std::vector<std::uint64_t>& from) {
  bare_read out;
  std::string error;
  std::vector<sb::stream_message> batch;
  for (std::uint32_t p = 0; p < partitions; ++p) {
    auto t0 = now_s();
    auto reader = sb::stream_reader::open(js, sb::events_stream,
                                          sb::event_subject(p), from[p], error);
    if (!reader)
      throw std::runtime_error(error);
    auto t1 = now_s();
    out.open_s += t1 - t0;
    for (int idle = 0; idle < 2;) {
      batch.clear();
      if (!reader->fetch(batch, 1024, 1000, error))
        throw std::runtime_error(error);
      out.messages += batch.size();
      if (batch.empty())
        ++idle;
      else if (batch.back().pending == 0)
        break;
    }
    out.fetch_s += now_s() - t1;
    out.ms.push_back((now_s() - t0) * 1000);
  }
  return out;
}

/// The first stream sequence of each of SB_EVENTS' message block files
/// (nats-server 2.9 file store: <n>.blk of 8 MiB, each starting with a
/// record of a 4-byte length and an 8-byte sequence, little-endian), in
/// block order; empty if the layout is not that one. Where a read starts
/// relative to these explains its time (bench/NOTES.md).
std::vector<std::uint64_t> block_first_seqs(const std::string& server_dir) {
  namespace fs = std::filesystem;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> blocks;
  std::error_code ec;
  fs::path msgs
    = fs::path{server_dir} / "store/jetstream/$G/streams/SB_EVENTS/msgs";
  for (const auto& f : fs::directory_iterator{msgs, ec}) {
    if (f.path().extension() != ".blk")
      continue;
    std::ifstream in{f.path(), std::ios::binary};
    unsigned char head[12] = {};
    if (!in.read(reinterpret_cast<char*>(head), sizeof head))
      continue;
    std::uint64_t seq = 0;
    for (int i = 7; i >= 0; --i)
      seq = seq << 8 | head[4 + i];
    seq &= ~(std::uint64_t{1} << 63); // the "erased" bit
    blocks.emplace_back(std::stoull(f.path().stem().string()), seq);
  }
  std::sort(blocks.begin(), blocks.end());
  std::vector<std::uint64_t> out;
  for (const auto& b : blocks)
    out.push_back(b.second);
  return out;
}

/// Where the node's next start reads each partition from (partition_owner:
/// the first event the projection has not committed, or the oldest live
/// call's first event if earlier).
std::vector<std::uint64_t> start_positions(const std::string& db_url) {
  pqxx::connection c{db_url};
  pqxx::nontransaction tx{c};
  auto cp = tx.exec("select coalesce(max(position), 0) from "
                    "projection_checkpoints where projection = 'sessions'");
  std::vector<std::uint64_t> from(partitions, cp[0][0].as<std::uint64_t>() + 1);
  auto rows = tx.exec("select partition, min(first_position) from live_calls "
                      "group by partition");
  for (const auto& row : rows) {
    auto p = row[0].as<int>();
    auto first = row[1].as<std::uint64_t>();
    if (p < 0) // from before live_calls had partitions: every one
      for (auto& f : from)
        f = std::min(f, first);
    else if (static_cast<std::uint32_t>(p) < partitions)
      from[static_cast<std::size_t>(p)]
        = std::min(from[static_cast<std::size_t>(p)], first);
  }
  return from;
}

std::vector<std::uint64_t> parse_sizes(const std::string& list) {
  std::vector<std::uint64_t> out;
  std::stringstream in{list};
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty())
      out.push_back(std::stoull(item));
  std::sort(out.begin(), out.end());
  return out;
}

std::string mib(std::uint64_t kib) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(kib) / 1024);
  return buf;
}

} // namespace

int main(int argc, char** argv) {
  auto bin = flag(argc, argv, "--switchboard", "build-release/bin/switchboard");
  auto sizes
    = parse_sizes(flag(argc, argv, "--events", "100000,500000,1000000"));
  auto restarts = static_cast<int>(flag_int(argc, argv, "--restarts", 3));
  auto settle_s = static_cast<double>(flag_int(argc, argv, "--settle-s", 3));
  auto inactivity_s
    = static_cast<double>(flag_int(argc, argv, "--inactivity-timeout", 3600));
  history_shape shape;
  shape.live = static_cast<std::uint64_t>(flag_int(argc, argv, "--live", 300));
  shape.live_window
    = static_cast<std::uint64_t>(flag_int(argc, argv, "--live-window", 20'000));
  shape.live_events
    = static_cast<int>(flag_int(argc, argv, "--live-events", 5));
  shape.turns = static_cast<int>(flag_int(argc, argv, "--turns", 4));
  shape.wave = static_cast<std::uint64_t>(flag_int(argc, argv, "--wave", 200));
  auto out = flag(argc, argv, "--out", "");
  auto keep = flag_int(argc, argv, "--keep-logs", 0) != 0;
  if (bin.front() != '/') {
    char cwd[4096];
    if (::getcwd(cwd, sizeof cwd))
      bin = std::string{cwd} + "/" + bin;
  }
  if (sizes.empty() || shape.live_events < 1
      || shape.live_events > 3 * shape.turns || shape.turns < 1
      || shape.wave < 1)
    throw std::runtime_error("bad flags");
  for (auto n : sizes)
    if (n < partitions
              + shape.live * static_cast<std::uint64_t>(shape.live_events)
              + shape.live_window)
      throw std::runtime_error("--events " + std::to_string(n)
                               + " is smaller than the live tail");

  char tmpl[] = "/tmp/sb-bench-startup-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  progress("work dir " + dir);
  sb::test::postgres_server pg;
  nlohmann::json result_runs = nlohmann::json::array();
  nlohmann::json notes = nlohmann::json::array();

  for (auto n : sizes) {
    shape.events = n;
    sb::test::nats_server nats;
    std::string error;
    auto js = sb::jetstream::connect(nats.url(), "bench-startup", error);
    if (!js)
      throw std::runtime_error(error);
    if (!js->ensure_streams(sb::stream_settings{}, error))
      throw std::runtime_error(error);
    progress(std::to_string(n) + " events: publishing");
    auto pub = publish_history(nats.url(), *js, shape);
    progress(std::to_string(n) + " events published in "
             + std::to_string(pub.seconds) + " s ("
             + std::to_string(static_cast<long long>(
               static_cast<double>(pub.events) / pub.seconds))
             + "/s), " + std::to_string(pub.ended_calls) + " ended calls, "
             + std::to_string(pub.live_calls) + " live");

    node_run how;
    how.bin = bin;
    how.nats_url = nats.url();
    how.db_url = pg.fresh_database("startup_" + std::to_string(n));
    how.port = sb::test::free_port();
    how.inactivity_s = inactivity_s;
    run_cli({bin, "migrate", "--pg", how.db_url}, dir + "/migrate.out");

    for (int k = 0; k <= restarts; ++k) {
      sb::jetstream::stream_state st;
      js->state_of(sb::events_stream, st, error);
      how.log
        = dir + "/node-" + std::to_string(n) + "-" + std::to_string(k) + ".log";
      // The first start reads from event 1 (empty projection): it gets
      // the time a whole catch-up may need.
      nlohmann::json before;
      add_checkpoint(before, how.db_url, "before");
      auto r = start_and_measure(how, *js, settle_s, k == 0 ? 900 : 180,
                                 k == 0 ? 900 : 60);
      r["events_target"] = n;
      r["events"] = st.last_seq;
      r["kind"] = k == 0 ? "first" : "restart";
      r["start"] = k;
      r["live_calls_published"] = pub.live_calls;
      if (k == 0) {
        r["ended_calls_published"] = pub.ended_calls;
        r["publish_s"] = pub.seconds;
        r["publish_events_per_s"]
          = static_cast<double>(pub.events) / pub.seconds;
        r["publish_bytes"] = pub.bytes;
      }
      r.update(before);
      add_checkpoint(r, how.db_url, "after");
      r["nats_rss_kib"] = rss_kib(nats.pid());
      progress(
        std::to_string(n) + " events, "
        + (k == 0 ? std::string{"first start"} : "restart " + std::to_string(k))
        + ": 64/64 after "
        + (r["start_s"].is_number()
             ? std::to_string(r["start_s"].get<double>()) + " s"
             : std::string{"never"})
        + ", RSS " + mib(r.value("rss_kib", std::uint64_t{0})) + ", peak "
        + mib(r.value("hwm_kib", std::uint64_t{0})) + ", live calls "
        + std::to_string(r.value("live_calls", 0)) + ", "
        + r["exit"].get<std::string>());
      result_runs.push_back(r);
    }
    // The same reads without the node, beside its figures: from where a
    // restart reads, and from event 1.
    auto from = start_positions(how.db_url);
    auto tail = read_partitions(*js, from);
    auto all = read_partitions(*js, std::vector<std::uint64_t>(partitions, 1));
    auto blocks = block_first_seqs(nats.dir());
    nlohmann::json bare{{"events_target", n},
                        {"kind", "bare_read"},
                        {"tail_open_s", tail.open_s},
                        {"tail_fetch_s", tail.fetch_s},
                        {"tail_messages", tail.messages},
                        {"full_open_s", all.open_s},
                        {"full_fetch_s", all.fetch_s},
                        {"full_messages", all.messages},
                        {"block_first_seqs", blocks}};
    // Which partitions start their read inside the newest block file.
    if (!blocks.empty()) {
      std::vector<double> inside, before;
      nlohmann::json parts = nlohmann::json::array();
      for (std::uint32_t p = 0; p < partitions; ++p) {
        (from[p] > blocks.back() ? inside : before).push_back(tail.ms[p]);
        parts.push_back(
          {{"partition", p}, {"from", from[p]}, {"ms", tail.ms[p]}});
      }
      bare["newest_block_first_seq"] = blocks.back();
      bare["partitions_starting_in_newest_block"] = inside.size();
      bare["tail_ms_median_starting_in_newest_block"] = median(inside);
      bare["tail_ms_median_starting_before_it"] = median(before);
      bare["tail_partitions"] = parts;
    }
    progress(std::to_string(n) + " events, bare reads of 64 partitions: "
             + "from the restart's positions " + std::to_string(tail.messages)
             + " messages, open " + std::to_string(tail.open_s) + " s + fetch "
             + std::to_string(tail.fetch_s) + " s; from event 1 "
             + std::to_string(all.messages) + " messages, open "
             + std::to_string(all.open_s) + " s + fetch "
             + std::to_string(all.fetch_s) + " s");
    result_runs.push_back(bare);
  }
  notes.push_back(
    "synthetic history: the project's event structs and codec, written as "
    "node bench-history (its leases taken in sb_leases, its epochs in the "
    "markers and events, the leases released after), one event per 10 ms "
    "of source time ending 10 s before the publish");
  notes.push_back("restarts start from a projection checkpoint at the head; "
                  "the first start of each size from an empty projection");
  notes.push_back("node flags: --inactivity-timeout "
                  + std::to_string(static_cast<long long>(inactivity_s))
                  + " so the live calls stay live through every restart");
  write_result(out, {{"bench", "startup"},
                     {"params",
                      {{"events", sizes},
                       {"restarts", restarts},
                       {"settle_s", settle_s},
                       {"live_calls", shape.live},
                       {"live_window_events", shape.live_window},
                       {"live_events_per_call", shape.live_events},
                       {"turns", shape.turns},
                       {"events_per_ended_call", shape.per_call()},
                       {"wave", shape.wave},
                       {"partitions", partitions},
                       {"inactivity_timeout_s", inactivity_s}}},
                     {"runs", result_runs},
                     {"notes", notes}});
  if (keep)
    progress("node logs kept in " + dir);
  else
    run_shell("rm -rf '" + dir + "'");
  return 0;
}
