#include "support/servers.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <pqxx/pqxx>
#include <pwd.h>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace sb::test {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

constexpr const char* pg_bin = "/usr/lib/postgresql/15/bin/";
constexpr int start_attempts = 3; // a new port each time

std::string make_temp_dir(const std::string& prefix) {
  std::string templ = "/tmp/" + prefix + "XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr)
    throw std::runtime_error("mkdtemp " + templ + ": " + std::strerror(errno));
  return buf.data();
}

void remove_dir(const std::string& dir) noexcept {
  if (dir.empty())
    return;
  std::error_code ec;
  fs::remove_all(dir, ec);
}

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// Lines of a small text file.
std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in{path};
  std::string line;
  while (std::getline(in, line))
    lines.push_back(line);
  return lines;
}

// Polls `ready` every 20 ms until it returns true (→ true), the process
// exits or the timeout passes (→ false).
template <class Predicate>
bool wait_ready(child_process& proc, std::chrono::milliseconds timeout,
                Predicate ready) {
  auto deadline = clock_type::now() + timeout;
  while (clock_type::now() < deadline) {
    if (!proc.is_running())
      return false;
    if (ready())
      return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

} // namespace

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    throw std::runtime_error(std::string{"socket: "} + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0
      || ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    auto err = errno;
    ::close(fd);
    throw std::runtime_error(std::string{"free_port: "} + std::strerror(err));
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

// -- nats_server --------------------------------------------------------------

nats_server::nats_server() {
  try {
    dir_ = make_temp_dir("sb-nats-");
    log_ = dir_ + "/nats.log";
    for (int attempt = 1;; ++attempt) {
      // Another process may grab the port between free_port() and the
      // server's bind; then the server exits and we try another port.
      int port = free_port();
      std::error_code ec;
      fs::remove(log_, ec);
      bool exited = false;
      if (launch(port, exited)) {
        url_ = "nats://127.0.0.1:" + std::to_string(port);
        return;
      }
      auto tail = file_tail(log_);
      if (exited && attempt < start_attempts
          && contains(tail, "address already in use"))
        continue;
      throw std::runtime_error("nats-server did not start within 20 s ("
                               + std::string{exited ? "it exited" : "timeout"}
                               + "); log:\n" + tail);
    }
  } catch (...) {
    cleanup();
    throw;
  }
}

bool nats_server::launch(int port, bool& exited) {
  // Only what the log says from here on counts: a restart appends to it.
  std::error_code ec;
  auto offset = fs::exists(log_, ec) ? fs::file_size(log_, ec) : 0;
  if (ec)
    offset = 0;
  process_.start({"nats-server", "-js", "-a", "127.0.0.1", "-p",
                  std::to_string(port), "-sd", dir_ + "/store"},
                 log_);
  // "Server is ready" is in *our* server's log, so a foreign listener on
  // the same port cannot fool us.
  bool ready = wait_ready(process_, 20s, [&] {
    std::ifstream in{log_, std::ios::binary};
    in.seekg(static_cast<std::streamoff>(offset));
    std::string line;
    bool said_ready = false;
    while (!said_ready && std::getline(in, line))
      said_ready = contains(line, "Server is ready");
    return said_ready && port_accepts(port);
  });
  if (ready) {
    pid_ = process_.pid();
    port_ = port;
    return true;
  }
  exited = !process_.is_running();
  process_.stop();
  return false;
}

void nats_server::stop(std::chrono::milliseconds grace) {
  process_.stop(grace, SIGTERM);
}

void nats_server::start() {
  if (process_.is_running())
    return;
  bool exited = false;
  if (!launch(port_, exited))
    throw std::runtime_error("nats-server did not start again on port "
                             + std::to_string(port_) + " within 20 s ("
                             + std::string{exited ? "it exited" : "timeout"}
                             + "); log:\n" + file_tail(log_));
}

bool nats_server::running() {
  return process_.is_running();
}

nats_server::~nats_server() {
  cleanup();
}

void nats_server::cleanup() noexcept {
  process_.stop(5s, SIGTERM);
  remove_dir(dir_);
}

// -- postgres_server ----------------------------------------------------------

postgres_server::postgres_server() {
  try {
    dir_ = make_temp_dir("sb-pg-");
    // initdb and postgres refuse to run as root.
    if (::geteuid() == 0) {
      os_user_ = "postgres";
      struct passwd* pw = ::getpwnam(os_user_.c_str());
      if (pw == nullptr)
        throw std::runtime_error("running as root, but there is no 'postgres' "
                                 "OS user to run PostgreSQL as (install "
                                 "postgresql-15: ops/install-deps)");
      if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0)
        throw std::runtime_error("chown " + dir_ + ": " + std::strerror(errno));
    }
    auto data = dir_ + "/data";

    child_process::options opts;
    opts.user = os_user_;
    opts.working_dir = dir_;
    opts.log_file = dir_ + "/initdb.log";
    opts.env = {{"LC_ALL", "C"}, {"TZ", "UTC"}};
    child_process initdb{{std::string{pg_bin} + "initdb", "-D", data, "-A",
                          "trust", "-U", "switchboard", "--no-sync", "-E",
                          "UTF8", "--locale=C", "--no-instructions"},
                         opts};
    if (!initdb.wait_for(60s)) {
      initdb.stop();
      throw std::runtime_error("initdb took over 60 s; log:\n"
                               + initdb.log_tail());
    }
    if (initdb.wait() != 0)
      throw std::runtime_error("initdb failed; log:\n" + initdb.log_tail());

    opts.log_file = dir_ + "/postgres.log";
    for (int attempt = 1;; ++attempt) {
      int port = free_port();
      process_.start({std::string{pg_bin} + "postgres", "-D", data, "-k", dir_,
                      "-h", "127.0.0.1", "-p", std::to_string(port), "-F", "-c",
                      "fsync=off", "-c", "full_page_writes=off", "-c",
                      "synchronous_commit=off"},
                     opts);
      // postmaster.pid of *our* cluster says "ready" (line 8) once it
      // accepts connections, on the port in line 4.
      auto pid_file = data + "/postmaster.pid";
      bool ready = wait_ready(process_, 30s, [&] {
        auto lines = read_lines(pid_file);
        return lines.size() >= 8 && lines[3] == std::to_string(port)
               && contains(lines[7], "ready") && port_accepts(port);
      });
      if (ready) {
        pid_ = process_.pid();
        port_ = port;
        break;
      }
      bool exited = !process_.is_running();
      process_.stop(5s, SIGINT);
      auto tail = process_.log_tail();
      if (exited && attempt < start_attempts
          && contains(tail, "could not bind"))
        continue;
      throw std::runtime_error("postgres did not start within 30 s ("
                               + std::string{exited ? "it exited" : "timeout"}
                               + "); log:\n" + tail);
    }

    auto base = "postgresql://switchboard@127.0.0.1:" + std::to_string(port_);
    pqxx::connection conn{base + "/postgres"};
    pqxx::nontransaction tx{conn};
    tx.exec("CREATE DATABASE switchboard OWNER switchboard");
    url_ = base + "/switchboard";
  } catch (const pqxx::failure& e) {
    auto log = process_.log_tail();
    cleanup();
    throw std::runtime_error(std::string{"postgres_server: "} + e.what()
                             + "\nlog:\n" + log);
  } catch (...) {
    cleanup();
    throw;
  }
}

postgres_server::~postgres_server() {
  cleanup();
}

void postgres_server::cleanup() noexcept {
  // SIGINT is PostgreSQL's "fast" shutdown: it disconnects clients instead
  // of waiting for them (SIGTERM would wait).
  process_.stop(5s, SIGINT);
  remove_dir(dir_);
}

std::string postgres_server::fresh_database(const std::string& name) {
  bool valid
    = !name.empty() && name.size() <= 63 && !(name[0] >= '0' && name[0] <= '9');
  for (char c : name)
    valid
      = valid && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (!valid)
    throw std::invalid_argument("fresh_database: name must match "
                                "[a-z_][a-z0-9_]{0,62}: "
                                + name);
  auto base = "postgresql://switchboard@127.0.0.1:" + std::to_string(port_);
  try {
    pqxx::connection conn{base + "/postgres"};
    pqxx::nontransaction tx{conn};
    tx.exec("CREATE DATABASE " + name + " OWNER switchboard");
  } catch (const pqxx::failure& e) {
    throw std::runtime_error("fresh_database(" + name + "): " + e.what());
  }
  return base + "/" + name;
}

} // namespace sb::test
