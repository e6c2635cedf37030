// The test servers themselves: real nats-server and PostgreSQL start, answer,
// and vanish without a trace (process, port, directory) when destroyed.

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <memory>
#include <nats/nats.h>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <thread>

#include "support/process.hpp"
#include "support/servers.hpp"

using namespace sb::test;
using namespace std::chrono_literals;

namespace {

// A destroyed server's pid may linger as a zombie of nobody for a moment;
// give the kernel a little time.
bool gone_soon(int pid) {
  for (int i = 0; i < 100 && process_alive(pid); ++i)
    std::this_thread::sleep_for(10ms);
  return !process_alive(pid);
}

struct nats_guard {
  natsConnection* conn = nullptr;
  jsCtx* js = nullptr;
  ~nats_guard() {
    jsCtx_Destroy(js);
    natsConnection_Destroy(conn);
  }
};

} // namespace

TEST_CASE("postgres_server runs a real PostgreSQL 15", "[servers]") {
  int pid = 0;
  int port = 0;
  std::string dir;
  {
    postgres_server pg;
    pid = pg.pid();
    port = pg.port();
    dir = pg.dir();
    CHECK(pg.url()
          == "postgresql://switchboard@127.0.0.1:" + std::to_string(port)
               + "/switchboard");
    REQUIRE(process_alive(pid));
    REQUIRE(port_accepts(port));

    pqxx::connection conn{pg.url()};
    {
      pqxx::work tx{conn};
      tx.exec("CREATE TABLE calls (id text PRIMARY KEY, turns int)");
      tx.exec("INSERT INTO calls VALUES ('c1', 3), ('c2', 5)");
      tx.commit();
    }
    pqxx::work tx{conn};
    auto rows = tx.exec("SELECT sum(turns) FROM calls");
    CHECK(rows[0][0].as<int>() == 8);
    auto version = tx.exec("SHOW server_version_num")[0][0].as<int>();
    CHECK(version / 10000 == 15);
    tx.commit();

    SECTION("fresh_database gives an empty, separate database") {
      auto url = pg.fresh_database("other_db");
      CHECK(url.find("/other_db") != std::string::npos);
      pqxx::connection other{url};
      pqxx::work otx{other};
      auto n = otx.exec("SELECT count(*) FROM pg_tables WHERE tablename = "
                        "'calls'")[0][0]
                 .as<int>();
      CHECK(n == 0);
      CHECK_THROWS_AS(pg.fresh_database("Bad-Name"), std::invalid_argument);
    }
    // The connection stays open on purpose: shutdown must not wait for it.
  }
  CHECK(gone_soon(pid));
  CHECK_FALSE(port_accepts(port));
  CHECK_FALSE(std::filesystem::exists(dir));
}

TEST_CASE("nats_server runs JetStream", "[servers]") {
  int pid = 0;
  int port = 0;
  std::string dir;
  {
    nats_server nats;
    pid = nats.pid();
    port = nats.port();
    dir = nats.dir();
    CHECK(nats.url() == "nats://127.0.0.1:" + std::to_string(port));
    REQUIRE(process_alive(pid));

    nats_guard g;
    REQUIRE(natsConnection_ConnectTo(&g.conn, nats.url().c_str()) == NATS_OK);
    REQUIRE(natsConnection_JetStream(&g.js, g.conn, nullptr) == NATS_OK);

    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    const char* subjects[] = {"t.>"};
    cfg.Name = "TEST";
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    jsStreamInfo* si = nullptr;
    REQUIRE(js_AddStream(&si, g.js, &cfg, nullptr, &jerr) == NATS_OK);
    jsStreamInfo_Destroy(si);

    jsPubAck* ack = nullptr;
    REQUIRE(js_Publish(&ack, g.js, "t.1", "hello", 5, nullptr, &jerr)
            == NATS_OK);
    REQUIRE(ack != nullptr);
    CHECK(ack->Sequence == 1);
    jsPubAck_Destroy(ack);

    si = nullptr;
    REQUIRE(js_GetStreamInfo(&si, g.js, "TEST", nullptr, &jerr) == NATS_OK);
    REQUIRE(si != nullptr);
    CHECK(si->State.Msgs == 1);
    jsStreamInfo_Destroy(si);
    // File storage lives in the server's temp dir.
    CHECK(std::filesystem::exists(dir + "/store"));
  }
  CHECK(gone_soon(pid));
  CHECK_FALSE(port_accepts(port));
  CHECK_FALSE(std::filesystem::exists(dir));
}

TEST_CASE("two postgres_servers run side by side", "[servers]") {
  postgres_server a;
  postgres_server b;
  CHECK(a.port() != b.port());
  CHECK(a.dir() != b.dir());

  pqxx::connection ca{a.url()};
  pqxx::connection cb{b.url()};
  {
    pqxx::work tx{ca};
    tx.exec("CREATE TABLE only_in_a (x int)");
    tx.commit();
  }
  pqxx::work tx{cb};
  auto n = tx.exec("SELECT count(*) FROM pg_tables WHERE tablename = "
                   "'only_in_a'")[0][0]
             .as<int>();
  CHECK(n == 0);
}

TEST_CASE("servers are cleaned up when a test throws", "[servers]") {
  int nats_pid = 0;
  int pg_pid = 0;
  std::string nats_dir;
  std::string pg_dir;
  try {
    nats_server nats;
    postgres_server pg;
    nats_pid = nats.pid();
    pg_pid = pg.pid();
    nats_dir = nats.dir();
    pg_dir = pg.dir();
    throw std::runtime_error("a failing test");
  } catch (const std::runtime_error&) {
  }
  CHECK(gone_soon(nats_pid));
  CHECK(gone_soon(pg_pid));
  CHECK_FALSE(std::filesystem::exists(nats_dir));
  CHECK_FALSE(std::filesystem::exists(pg_dir));
}

TEST_CASE("child_process runs, reports and stops programs", "[process]") {
  auto log = std::filesystem::temp_directory_path()
             / ("sb-child-" + std::to_string(::getpid()) + ".log");
  std::filesystem::remove(log);

  SECTION("exit code and output") {
    child_process p{{"sh", "-c", "echo hello; echo oops >&2; exit 3"},
                    {log.string(), "", "", {}}};
    CHECK(p.wait() == 3);
    CHECK(p.exit_code() == 3);
    CHECK(p.log_tail() == "hello\noops\n");
    CHECK_FALSE(p.is_running());
  }
  SECTION("environment and working directory") {
    child_process::options opts;
    opts.log_file = log.string();
    opts.working_dir = "/";
    opts.env = {{"SB_CHILD_TEST", "42"}};
    child_process p{{"sh", "-c", "echo $SB_CHILD_TEST $(pwd)"}, opts};
    CHECK(p.wait() == 0);
    CHECK(p.log_tail() == "42 /\n");
  }
  SECTION("kill and stop") {
    child_process p;
    p.start({"sleep", "60"}, log.string());
    CHECK(p.is_running());
    p.kill(SIGTERM);
    CHECK(p.wait_for(5s));
    CHECK(p.term_signal() == SIGTERM);
    CHECK_FALSE(p.exit_code().has_value());

    // A child that ignores SIGTERM is killed after the grace period.
    p.start({"sh", "-c", "trap '' TERM; echo ready; sleep 60"}, log.string());
    int pid = p.pid();
    for (int i = 0; i < 200 && p.log_tail().find("ready") == std::string::npos;
         ++i)
      std::this_thread::sleep_for(10ms);
    auto t0 = std::chrono::steady_clock::now();
    p.stop(300ms);
    CHECK(std::chrono::steady_clock::now() - t0 < 3s);
    CHECK(p.term_signal() == SIGKILL);
    CHECK(gone_soon(pid));
  }
  SECTION("a program that cannot start throws") {
    child_process p;
    CHECK_THROWS_AS(p.start({"/nonexistent/sb-no-such-program"}),
                    std::runtime_error);
    CHECK_THROWS_AS(p.start({"sb-no-such-program-in-path"}),
                    std::runtime_error);
    CHECK(p.pid() == -1);
  }
  SECTION("the destructor stops a running child") {
    int pid = 0;
    {
      child_process p{{"sleep", "60"}, {}};
      pid = p.pid();
      CHECK(process_alive(pid));
    }
    CHECK(gone_soon(pid));
  }
  std::filesystem::remove(log);
}
