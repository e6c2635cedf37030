#include "fault_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <sstream>
#include <thread>

namespace sb::test {

namespace {

void ship_chunks(spine_env& env, const built_log& log, ship_pace pace,
                 ship_report& report, const std::atomic<bool>& cancel) {
  using clock = std::chrono::steady_clock;
  auto cancelled = [&cancel] {
    return cancel.load();
  };
  auto step = std::max<std::size_t>(pace.chunk_lines, 1);
  for (std::size_t from = 0; from < log.lines.size(); from += step) {
    if (from > 0 && pace.pace.count() > 0)
      std::this_thread::sleep_for(pace.pace);
    auto body = log.body(from, from + step);
    for (;;) {
      if (cancelled())
        return;
      auto start = clock::now();
      int status = 0;
      try {
        status = env.ingest(body, "agent_id=shop-bot").status;
      } catch (const std::exception&) {
        // connection refused or reset: the node is restarting
      }
      auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        clock::now() - start);
      {
        std::lock_guard<std::mutex> guard{report.mtx};
        if (status == 202) {
          ++report.accepted_chunks;
          report.slowest_accept = std::max(report.slowest_accept, took);
        } else if (status == 0) {
          ++report.failed_connections;
        } else {
          report.refused_statuses.push_back(status);
          report.slowest_refusal = std::max(report.slowest_refusal, took);
        }
      }
      if (status == 202)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

} // namespace

log_shipper::log_shipper(spine_env& env, const built_log& log, ship_pace pace) {
  thread_ = std::thread{[this, &env, &log, pace] {
    ship_chunks(env, log, pace, report_, cancel_);
    done_ = !cancel_;
  }};
}

log_shipper::~log_shipper() {
  cancel_ = true;
  if (thread_.joinable())
    thread_.join();
}

bool log_shipper::wait(std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done_ && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (done_ && thread_.joinable())
    thread_.join();
  return done_;
}

void ship(spine_env& env, const built_log& log, std::chrono::seconds timeout) {
  log_shipper shipper{env, log};
  bool shipped = shipper.wait(timeout);
  INFO("shipping " << log.lines.size() << " lines took over " << timeout.count()
                   << " s; " << node_state(env));
  REQUIRE(shipped);
}

built_log interleave(const built_log& a, const built_log& b) {
  built_log out;
  out.call_ids = a.call_ids;
  out.call_ids.insert(out.call_ids.end(), b.call_ids.begin(), b.call_ids.end());
  out.lines.reserve(a.lines.size() + b.lines.size());
  std::size_t i = 0, j = 0;
  while (i < a.lines.size() || j < b.lines.size()) {
    // Take from the log that is behind its share.
    bool take_a
      = j == b.lines.size()
        || (i < a.lines.size() && i * b.lines.size() <= j * a.lines.size());
    out.lines.push_back(take_a ? a.lines[i++] : b.lines[j++]);
  }
  return out;
}

std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream in_a{a}, in_b{b};
  std::string line_a, line_b;
  for (int row = 1;; ++row) {
    bool more_a = static_cast<bool>(std::getline(in_a, line_a));
    bool more_b = static_cast<bool>(std::getline(in_b, line_b));
    if (!more_a && !more_b)
      return {};
    if (!more_a || !more_b || line_a != line_b)
      return "row " + std::to_string(row) + ":\n" + (more_a ? line_a : "(none)")
             + "\n" + (more_b ? line_b : "(none)");
  }
}

int partitions_owned(spine_env& env) {
  try {
    auto r = http_request(static_cast<std::uint16_t>(env.node_port()), "GET",
                          "/healthz");
    if (r.status != 200)
      return -1;
    return r.json().value("partitions_owned", -1);
  } catch (const std::exception&) {
    return -1;
  }
}

bool wait_for_partitions(spine_env& env, int want,
                         std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!env.node_running())
      return false;
    if (partitions_owned(env) == want)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

watch_result watch_node(spine_env& env, std::chrono::seconds duration) {
  watch_result out;
  out.least_owned = std::numeric_limits<int>::max();
  auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until) {
    if (!env.node_running()) {
      out.ran_throughout = false;
      break;
    }
    out.least_owned = std::min(out.least_owned, partitions_owned(env));
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  if (out.least_owned == std::numeric_limits<int>::max())
    out.least_owned = -1;
  return out;
}

std::string node_state(spine_env& env) {
  std::ostringstream out;
  auto status = env.node_status();
  out << "the node ";
  if (status.exited)
    out << "ended with " << status.describe();
  else
    out << "runs and owns " << partitions_owned(env) << " partitions";
  // The log's last lines; a run of lines that differ only in their numbers
  // (one per partition, one per call) shows as its first and a count.
  std::istringstream log{env.node_log(1 << 16)};
  std::vector<std::string> kept;
  std::string last_shape;
  std::size_t similar = 0;
  auto flush = [&] {
    if (similar > 0)
      kept.push_back("  ... and " + std::to_string(similar) + " more like it");
    similar = 0;
  };
  for (std::string line; std::getline(log, line);) {
    std::string shape;
    for (char c : line)
      if (c < '0' || c > '9')
        shape += c;
    if (shape == last_shape) {
      ++similar;
      continue;
    }
    flush();
    kept.push_back(line);
    last_shape = std::move(shape);
  }
  flush();
  auto from = kept.size() > 40 ? kept.size() - 40 : 0;
  out << "; its log (last lines):\n";
  for (auto i = from; i < kept.size(); ++i)
    out << kept[i] << '\n';
  return out.str();
}

} // namespace sb::test
