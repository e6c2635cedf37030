// Scale of the log: nats-server resident memory and publish rate as calls
// accumulate. Publishes synthetic events (200-byte payloads) for `--calls`
// distinct call ids, `--events-per-call` each, with Nats-Msg-Id
// "<call>:<seq>", to a scratch stream on a nats-server of its own, and reads
// the server's VmRSS after every `--step` calls. Three layouts, each on a
// fresh server:
//  - partition subjects sb.evt.<p> (64), 10-minute duplicate window: SB_EVENTS
//    as configured;
//  - the same with a 2-second window: what the subject layout costs, without
//    the duplicate window's one entry per message id of the last minutes;
//  - one subject per call, sb.evt.<p>.<call>, 2-second window: the layout
//    DESIGN.md rejects, as the baseline.
//
//   bench_log_scale [--calls 1000000] [--events-per-call 2] [--step 100000]
//                   [--runs 1] [--out FILE]

#include "bench_nats.hpp"
#include "bench_util.hpp"
#include "support/servers.hpp"

#include "switchboard/events/partitions.hpp"

#include <cstdio>

using namespace sb::bench;

int main(int argc, char** argv) {
  auto calls = static_cast<std::uint64_t>(flag_int(argc, argv, "--calls", 1'000'000));
  auto per_call = static_cast<std::uint64_t>(flag_int(argc, argv, "--events-per-call", 2));
  auto step = static_cast<std::uint64_t>(flag_int(argc, argv, "--step", 100'000));
  auto runs = static_cast<int>(flag_int(argc, argv, "--runs", 1));
  auto out = flag(argc, argv, "--out", "");

  auto call_id = [](std::uint64_t c) {
    char id[40];
    std::snprintf(id, sizeof id, "%08llx-0000-4000-8000-%012llx",
                  static_cast<unsigned long long>(c * 2654435761ULL & 0xffffffffULL),
                  static_cast<unsigned long long>(c));
    return std::string{id};
  };
  struct layout {
    const char* name;
    bool subject_per_call;
    std::int64_t dedupe_s;
  };
  const layout layouts[] = {
    {"partition subjects, 10-min dedupe (SB_EVENTS)", false, 600},
    {"partition subjects, 2-s dedupe", false, 2},
    {"subject per call, 2-s dedupe (baseline)", true, 2},
  };
  nlohmann::json result_runs = nlohmann::json::array();
  for (int r = 0; r < runs; ++r) {
    for (const auto& lay : layouts) {
      sb::test::nats_server nats;
      bare_publisher pub{nats.url()};
      pub.create_stream("BENCH_SCALE", {"sb.evt.>"}, lay.dedupe_s);
      nlohmann::json steps = nlohmann::json::array();
      auto rss0 = rss_kib(nats.pid());
      double first_rate = 0, last_rate = 0;
      std::uint64_t errors = 0;
      for (std::uint64_t c0 = 0; c0 < calls; c0 += step) {
        auto c1 = std::min(calls, c0 + step);
        auto st = pub.publish(
          c0 * per_call, c1 * per_call,
          [&](std::uint64_t i) {
            auto id = call_id(i / per_call);
            auto subject = sb::event_subject(sb::partition_of(id, 64));
            return lay.subject_per_call ? subject + "." + id : subject;
          },
          [&](std::uint64_t i) {
            return call_id(i / per_call) + ":"
                   + std::to_string(i % per_call + 1);
          },
          200);
        errors += st.errors;
        auto rss = rss_kib(nats.pid());
        if (c0 == 0)
          first_rate = st.per_second();
        last_rate = st.per_second();
        steps.push_back({{"calls", c1},
                         {"messages", c1 * per_call},
                         {"nats_rss_kib", rss},
                         {"msgs_per_s", st.per_second()}});
        progress(std::string{lay.name} + ": calls " + std::to_string(c1)
                 + ": nats RSS " + std::to_string(rss / 1024) + " MiB, "
                 + std::to_string(static_cast<long long>(st.per_second()))
                 + " msg/s");
      }
      auto rss_first = steps.front()["nats_rss_kib"].get<std::uint64_t>();
      auto rss_last = steps.back()["nats_rss_kib"].get<std::uint64_t>();
      result_runs.push_back({{"layout", lay.name},
                             {"nats_rss_start_kib", rss0},
                             {"nats_rss_first_step_kib", rss_first},
                             {"nats_rss_last_step_kib", rss_last},
                             {"first_step_msgs_per_s", first_rate},
                             {"last_step_msgs_per_s", last_rate},
                             {"last_over_first_rate",
                              first_rate > 0 ? last_rate / first_rate : 0},
                             {"errors", errors},
                             {"steps", steps}});
    }
  }
  write_result(out, {{"bench", "log_scale"},
                     {"params",
                      {{"calls", calls},
                       {"events_per_call", per_call},
                       {"step", step},
                       {"payload_bytes", 200},
                       {"runs", runs}}},
                     {"runs", result_runs},
                     {"notes",
                      {"synthetic 200-byte payloads, not encoded events"}}});
  return 0;
}
