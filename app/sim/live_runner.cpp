#include "sim/live_runner.hpp"

#include "sim/live_poster.hpp"

#include <chrono>
#include <ostream>
#include <thread>

namespace sb::sim {

namespace {

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

struct running_call {
  call_script script;
  std::size_t agent = 0;
  std::size_t cursor = 0;
};

} // namespace

live_report run_live(const sim_options& options, const live_target& target,
                     const std::atomic<bool>& stop, std::ostream& log) {
  live_report report;
  call_source source{options};
  std::vector<running_call> active;
  auto t0 = wall_ms();
  std::int64_t next_arrival = 0;
  auto plan = source.next(next_arrival);
  std::uint64_t last_failure_logged = 0;
  while (!stop.load()) {
    auto now = wall_ms();
    bool may_start = (options.calls == 0 || report.started < options.calls)
                     && (options.duration_s <= 0
                         || now - t0 < options.duration_s * 1000);
    while (may_start && t0 + next_arrival <= now
           && active.size() < options.concurrency) {
      plan.start_ms = now;
      running_call c;
      c.agent = std::stoul(plan.agent_id.substr(6)) - 1;
      c.script = make_call(plan);
      active.push_back(std::move(c));
      ++report.started;
      plan = source.next(next_arrival);
      may_start = options.calls == 0 || report.started < options.calls;
    }
    if (may_start && t0 + next_arrival <= now)
      next_arrival = now - t0; // full: the next call waits, no burst later
    // Each agent's due lines, interleaved by time, as one request.
    for (std::size_t a = 0; a < options.agents; ++a) {
      std::vector<line_ref> refs;
      for (std::size_t c = 0; c < active.size(); ++c) {
        auto& rc = active[c];
        if (rc.agent != a)
          continue;
        const auto& lines = rc.script.lines;
        for (; rc.cursor < lines.size() && lines[rc.cursor].at_ms <= now;
             ++rc.cursor)
          refs.push_back({lines[rc.cursor].at_ms,
                          static_cast<std::uint32_t>(c),
                          static_cast<std::uint32_t>(rc.cursor)});
      }
      if (refs.empty())
        continue;
      sort_lines(refs);
      std::string body;
      for (const auto& r : refs) {
        body += active[r.call].script.lines[r.line].text;
        body += '\n';
      }
      auto r = http_post(target.url,
                         "/v1/ingest/pipecat?agent_id=" + agent_name(a),
                         target.key, body);
      ++report.posts;
      if (r.status != 202 && r.status != 200) {
        ++report.failed_posts;
        if (report.failed_posts == 1
            || report.failed_posts >= last_failure_logged * 2) {
          last_failure_logged = report.failed_posts;
          log << "simulate: post for " << agent_name(a) << " failed ("
              << (r.status != 0 ? "HTTP " + std::to_string(r.status) + " "
                                    + r.body.substr(0, 200)
                                : r.error)
              << "); " << report.failed_posts << " failed so far\n"
              << std::flush;
        }
      }
    }
    for (std::size_t c = 0; c < active.size();) {
      if (active[c].cursor >= active[c].script.lines.size()) {
        if (target.keep_truth)
          report.calls.push_back(std::move(active[c].script.truth));
        active.erase(active.begin() + static_cast<std::ptrdiff_t>(c));
      } else {
        ++c;
      }
    }
    if (!may_start && active.empty())
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return report;
}

} // namespace sb::sim
