#include "replay_support.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <array>
#include <cstdio>
#include <memory>

namespace sb::test {

const std::vector<std::string>& projection_tables() {
  static const std::vector<std::string> all{
    "sessions",           "turns",
    "live_calls",         "call_events",
    "agent_stats_hourly", "agent_stats_daily",
    "top_phrases"};
  return all;
}

std::map<std::string, std::string> table_checksums(spine_env& env) {
  std::map<std::string, std::string> out;
  pqxx::connection c{env.pg_url()};
  pqxx::nontransaction tx{c};
  for (const auto& table : projection_tables()) {
    auto r = tx.exec("select count(*) || ':' || coalesce(md5(string_agg(row, "
                     "E'\\n' order by row)), '') from (select (to_jsonb(t) - "
                     "'updated_at')::text as row from "
                     + table + " t) x");
    out[table] = r[0][0].as<std::string>();
  }
  return out;
}

int run_switchboard(spine_env& env, const std::string& args,
                    std::string& output) {
  auto cmd = switchboard_binary() + " " + args + " --pg '" + env.pg_url()
             + "' --nats " + env.nats_url() + " 2>&1";
  output.clear();
  std::unique_ptr<FILE, int (*)(FILE*)> pipe{popen(cmd.c_str(), "r"), pclose};
  REQUIRE(pipe);
  std::array<char, 4096> buf{};
  while (auto n = fread(buf.data(), 1, buf.size(), pipe.get()))
    output.append(buf.data(), n);
  auto status = pclose(pipe.release());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void simulate_live(spine_env& env, const std::string& sim_args) {
  auto cmd = switchboard_binary() + " simulate --target http://127.0.0.1:"
             + std::to_string(env.node_port()) + " --key " + env.key() + " "
             + sim_args + " > /dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
}

} // namespace sb::test
