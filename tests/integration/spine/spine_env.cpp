#include "spine_env.hpp"

#include "switchboard/events/jetstream.hpp"
#include "switchboard/events/partitions.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace sb::test {

std::string switchboard_binary() {
  // Another build's executable, e.g. to see a test fail on an older commit.
  if (const char* other = std::getenv("SB_SWITCHBOARD_BIN");
      other != nullptr && *other != '\0')
    return other;
  return std::string{SB_BINARY_DIR} + "/bin/switchboard";
}

std::string read_fixture(const std::string& relative_path) {
  auto path = std::string{SB_SOURCE_DIR} + "/tests/fixtures/" + relative_path;
  std::ifstream in{path, std::ios::binary};
  if (!in)
    throw std::runtime_error("missing fixture " + path);
  return {std::istreambuf_iterator<char>{in}, {}};
}

spine_env::spine_env(spine_options options) : options_(options) {
  pg_url_ = pg_.fresh_database("spine");
  char tmpl[] = "/tmp/sb-spine-XXXXXX";
  dir_ = mkdtemp(tmpl);
  run_cli({"migrate", "--pg", pg_url_});
  key_ = create_key("default", "admin");
}

std::string spine_env::create_key(const std::string& tenant,
                                  const std::string& role) {
  auto key = run_cli({"keys", "create", "--pg", pg_url_, "--tenant", tenant,
                      "--role", role});
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r'))
    key.pop_back();
  REQUIRE(key.rfind("sb_", 0) == 0);
  return key;
}

spine_env::~spine_env() {
  node_.stop(std::chrono::seconds{5});
  std::string cmd = "rm -rf '" + dir_ + "'";
  if (std::system(cmd.c_str()) != 0) {
    // best effort: a temp dir left behind is harmless
  }
}

std::string spine_env::run_cli(const std::vector<std::string>& args) {
  std::vector<std::string> argv{switchboard_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto out = dir_ + "/cli-" + std::to_string(::getpid()) + ".out";
  ::unlink(out.c_str());
  child_process cli;
  cli.start(argv, out);
  auto code = cli.wait();
  auto text = file_tail(out, 1 << 20);
  if (code != 0)
    throw std::runtime_error("switchboard " + args.front()
                             + " failed: " + text);
  // stdout and stderr share the file: the key is the line starting "sb_".
  std::istringstream lines{text};
  std::string line, last;
  while (std::getline(lines, line))
    if (line.rfind("sb_", 0) == 0)
      last = line;
  return last.empty() ? text : last;
}

void spine_env::start_node(const std::vector<std::string>& extra_args) {
  node_port_ = free_port();
  std::vector<std::string> argv{switchboard_binary(),
                                "node",
                                "--nats",
                                nats_.url(),
                                "--pg",
                                pg_url_,
                                "--listen",
                                "127.0.0.1:" + std::to_string(node_port_),
                                "--node-id",
                                "node-1",
                                "--inactivity-timeout",
                                std::to_string(options_.inactivity_timeout_s),
                                "--linger",
                                std::to_string(options_.linger_s)};
  argv.insert(argv.end(), options_.node_args.begin(), options_.node_args.end());
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  node_.start(argv, dir_ + "/node-" + std::to_string(++node_starts_) + ".log");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{60};
  while (std::chrono::steady_clock::now() < deadline) {
    if (!node_.is_running())
      FAIL("node exited at start:\n" << node_.log_tail());
    try {
      if (http_request(node_port_, "GET", "/healthz").status == 200)
        return;
    } catch (const std::exception&) {
      // not listening yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  FAIL("node did not become healthy:\n" << node_.log_tail());
}

void spine_env::kill_node() {
  node_.kill(9);
  node_.wait();
}

exit_status spine_env::stop_node(std::chrono::seconds grace) {
  node_.stop(grace);
  return node_.status();
}

void spine_env::pause_node() {
  node_.pause();
}

void spine_env::resume_node() {
  node_.resume();
}

bool spine_env::node_running() {
  return node_.is_running();
}

exit_status spine_env::node_status() {
  return node_.status();
}

http_response spine_env::ingest(const std::string& body,
                                const std::string& query) {
  return http_request(node_port_, "POST", "/v1/ingest/pipecat?" + query, body,
                      bearer(key_));
}

http_response spine_env::get(const std::string& target) {
  return get_as(key_, target);
}

http_response spine_env::get_as(const std::string& key,
                                const std::string& target) {
  return http_request(node_port_, "GET", target, {}, bearer(key));
}

nlohmann::json spine_env::health() {
  return http_request(node_port_, "GET", "/healthz").json();
}

std::uint64_t spine_env::events_head() {
  std::string error;
  auto js = jetstream::connect(nats_.url(), "spine-test", error);
  REQUIRE(js);
  jetstream::stream_state events;
  REQUIRE(js->state_of(events_stream, events, error));
  return events.last_seq;
}

std::uint64_t spine_env::signals_pending() {
  std::string error;
  auto js = jetstream::connect(nats_.url(), "spine-test", error);
  REQUIRE(js);
  jetstream::stream_state signals;
  REQUIRE(js->state_of(signals_stream, signals, error));
  return signals.messages;
}

void spine_env::wait_until_settled(std::chrono::seconds timeout) {
  std::string error;
  auto js = jetstream::connect(nats_.url(), "spine-test", error);
  REQUIRE(js);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  nlohmann::json h;
  std::uint64_t unacked = 0, head = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!node_.is_running())
      FAIL("the node ended (" << node_.status().describe()
                              << ") before it settled; node log:\n"
                              << node_log());
    jetstream::stream_state signals, events;
    REQUIRE(js->state_of(signals_stream, signals, error));
    REQUIRE(js->state_of(events_stream, events, error));
    unacked = signals.messages;
    head = events.last_seq;
    h = health();
    bool projected = h.contains("projections");
    if (projected)
      for (const auto& [name, p] : h["projections"].items())
        projected = projected && p.value("position", std::uint64_t{0}) >= head;
    if (unacked == 0 && h.value("live_calls", 1) == 0 && projected)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  FAIL("not settled after " << timeout.count() << " s: " << unacked
                            << " signal messages unacknowledged, events head "
                            << head << ", node: " << h.dump() << "\nnode log:\n"
                            << node_log());
}

std::string spine_env::query_value(const std::string& sql) {
  pqxx::connection c{pg_url_};
  pqxx::nontransaction tx{c};
  auto r = tx.exec(sql);
  if (r.empty() || r[0][0].is_null())
    return {};
  return r[0][0].c_str();
}

std::string spine_env::dump_tables() {
  pqxx::connection c{pg_url_};
  pqxx::nontransaction tx{c};
  std::ostringstream out;
  // Every column but the wall-clock one, which differs between runs.
  for (const char* sql :
       {"select (to_jsonb(s) - 'updated_at')::text from sessions s "
        "order by id",
        "select to_jsonb(t)::text from turns t order by session_id, turn"}) {
    auto r = tx.exec(sql);
    for (const auto& row : r) {
      for (const auto& field : row)
        out << (field.is_null() ? "NULL" : field.c_str()) << '|';
      out << '\n';
    }
    out << "--\n";
  }
  return out.str();
}

} // namespace sb::test
