// switchboard status [--json]: each projection's checkpoint, its lag
// behind the head of SB_EVENTS and its apply rate, measured by reading the
// checkpoints twice, `--interval` apart.

#include "cli/commands.hpp"

#include "switchboard/db/errors.hpp"
#include "switchboard/db/pg_session.hpp"
#include "switchboard/events/jetstream.hpp"
#include "switchboard/events/partitions.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <thread>

namespace sb::app::cli {

namespace {

std::int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch())
    .count();
}

struct projection_status {
  std::string name;
  std::int32_t generation = 1;
  std::uint64_t position = 0;
  std::uint64_t lag = 0;
  double events_per_s = 0;
  double updated_s_ago = 0;
};

} // namespace

void add_status(CLI::App& app, int& exit_code) {
  struct options {
    std::string nats = env_or("SB_NATS_URL", "nats://127.0.0.1:4222");
    std::string pg = env_or("SB_PG_URL", "");
    bool json = false;
    double interval_s = 1;
  };
  auto opt = std::make_shared<options>();
  auto* cmd = app.add_subcommand(
    "status", "Each projection's checkpoint, lag and apply rate");
  cmd->add_option("--nats", opt->nats, "NATS URL ($SB_NATS_URL)");
  cmd->add_option("--pg", opt->pg, "PostgreSQL URL ($SB_PG_URL)")
    ->required(opt->pg.empty());
  cmd->add_flag("--json", opt->json, "Print JSON instead of a table");
  cmd
    ->add_option("--interval", opt->interval_s,
                 "Seconds between the two readings the rate comes from")
    ->check(CLI::Range(0.1, 60.0))
    ->capture_default_str();
  cmd->callback([opt, &exit_code] {
    auto fail = [&exit_code](const std::string& why) {
      std::cerr << "switchboard status: " << why << "\n";
      exit_code = 1;
    };
    db::pg_session db{opt->pg};
    if (auto err = db.open())
      return fail(db::describe(err));
    std::string error;
    auto js = jetstream::connect(opt->nats, "switchboard-status", error);
    if (!js)
      return fail("cannot connect to NATS at " + opt->nats + ": " + error);
    auto first = db::list_checkpoints(db);
    if (!first)
      return fail(db::describe(first.error()));
    auto t0 = now_us();
    std::this_thread::sleep_for(
      std::chrono::milliseconds(static_cast<int>(opt->interval_s * 1000)));
    auto second = db::list_checkpoints(db);
    if (!second)
      return fail(db::describe(second.error()));
    auto t1 = now_us();
    jetstream::stream_state head;
    if (!js->state_of(events_stream, head, error))
      return fail("cannot read SB_EVENTS: " + error);
    std::map<std::string, std::uint64_t> before;
    for (const auto& row : *first)
      before[row.at.projection] = row.at.position;
    std::vector<projection_status> all;
    for (const auto& row : *second) {
      projection_status st;
      st.name = row.at.projection;
      st.generation = row.at.generation;
      st.position = row.at.position;
      st.lag = head.last_seq > st.position ? head.last_seq - st.position : 0;
      auto was = before.count(st.name) ? before[st.name] : st.position;
      st.events_per_s
        = static_cast<double>(st.position - std::min(was, st.position))
          / (static_cast<double>(t1 - t0) / 1e6);
      st.updated_s_ago = static_cast<double>(t1 - row.updated_at) / 1e6;
      all.push_back(st);
    }
    if (opt->json) {
      auto list = nlohmann::json::array();
      for (const auto& st : all)
        list.push_back({{"projection", st.name},
                        {"generation", st.generation},
                        {"checkpoint", st.position},
                        {"lag", st.lag},
                        {"events_per_s", st.events_per_s},
                        {"updated_s_ago", st.updated_s_ago}});
      std::cout << nlohmann::json{{"stream_head", head.last_seq},
                                  {"projections", list}}
                     .dump(2)
                << "\n";
      return;
    }
    std::printf("SB_EVENTS head: %llu\n",
                static_cast<unsigned long long>(head.last_seq));
    std::printf("%-24s %10s %12s %10s %12s %12s\n", "projection", "generation",
                "checkpoint", "lag", "events/s", "updated");
    for (const auto& st : all)
      std::printf("%-24s %10d %12llu %10llu %12.0f %10.1f s\n", st.name.c_str(),
                  st.generation, static_cast<unsigned long long>(st.position),
                  static_cast<unsigned long long>(st.lag), st.events_per_s,
                  st.updated_s_ago);
  });
}

} // namespace sb::app::cli
