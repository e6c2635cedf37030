#include "support/process.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace sb::test {

namespace {

std::string errno_text(int err) {
  return std::strerror(err);
}

// Closes every descriptor >= 3 except `keep`.
void close_other_fds(int keep) {
#ifdef SYS_close_range
  auto lo = static_cast<unsigned>(3);
  auto k = static_cast<unsigned>(keep);
  bool ok = true;
  if (k > lo)
    ok = ::syscall(SYS_close_range, lo, k - 1, 0U) == 0;
  if (ok && ::syscall(SYS_close_range, k + 1, ~0U, 0U) == 0)
    return;
#endif
  for (int fd = 3; fd < 65536; ++fd)
    if (fd != keep)
      ::close(fd);
}

// Writes the failing step and errno to the error pipe and exits.
[[noreturn]] void child_fail(int err_fd, int code) {
  int err = errno;
  int msg[2] = {code, err};
  auto n = ::write(err_fd, msg, sizeof msg);
  (void)n;
  ::_exit(127);
}

constexpr const char* child_steps[] = {
  "dup2",   "setpgid", "chdir", "setgroups",
  "setgid", "setuid",  "prctl", "execve",
};

} // namespace

std::string find_program(const std::string& name) {
  if (name.find('/') != std::string::npos)
    return ::access(name.c_str(), X_OK) == 0 ? name : std::string{};
  const char* path = std::getenv("PATH");
  // The sbin directories last: a normal user's PATH lacks them, and
  // nats-server lives in /usr/sbin.
  std::string dirs = std::string{path ? path : "/usr/local/bin:/usr/bin:/bin"}
                     + ":/usr/local/sbin:/usr/sbin:/sbin";
  std::size_t begin = 0;
  while (begin <= dirs.size()) {
    auto end = dirs.find(':', begin);
    if (end == std::string::npos)
      end = dirs.size();
    auto dir = dirs.substr(begin, end - begin);
    auto candidate = (dir.empty() ? std::string{"."} : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    begin = end + 1;
  }
  return {};
}

child_process::child_process(const std::vector<std::string>& argv,
                             const options& opts) {
  start(argv, opts);
}

child_process::~child_process() {
  stop();
}

child_process::child_process(child_process&& other) noexcept
  : pid_(std::exchange(other.pid_, -1)), exited_(other.exited_),
    status_(other.status_), log_file_(std::move(other.log_file_)) {}

child_process& child_process::operator=(child_process&& other) noexcept {
  if (this != &other) {
    stop();
    pid_ = std::exchange(other.pid_, -1);
    exited_ = other.exited_;
    status_ = other.status_;
    log_file_ = std::move(other.log_file_);
  }
  return *this;
}

void child_process::start(const std::vector<std::string>& argv,
                          const std::string& log_file) {
  options opts;
  opts.log_file = log_file;
  start(argv, opts);
}

void child_process::start(const std::vector<std::string>& argv,
                          const options& opts) {
  if (argv.empty())
    throw std::invalid_argument("child_process::start: empty argv");
  if (pid_ > 0 && is_running())
    throw std::logic_error("child_process::start: a child already runs");

  // Resolved here: between fork and exec only async-signal-safe calls are
  // allowed (the test may run other threads), so the child gets everything
  // ready-made.
  auto program = find_program(argv[0]);
  if (program.empty())
    throw std::runtime_error("cannot start " + argv[0]
                             + ": not found or not executable");
  std::vector<char*> args;
  for (auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  std::vector<std::string> env_strings;
  for (char** e = environ; e && *e; ++e) {
    std::string entry{*e};
    auto name = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (auto& kv : opts.env)
      overridden = overridden || kv.first == name;
    if (!overridden)
      env_strings.push_back(std::move(entry));
  }
  for (auto& [name, value] : opts.env)
    env_strings.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (auto& s : env_strings)
    envp.push_back(s.data());
  envp.push_back(nullptr);

  uid_t uid = 0;
  gid_t gid = 0;
  bool switch_user = !opts.user.empty();
  if (switch_user) {
    struct passwd pw;
    struct passwd* found = nullptr;
    std::vector<char> buf(16384);
    if (::getpwnam_r(opts.user.c_str(), &pw, buf.data(), buf.size(), &found)
          != 0
        || found == nullptr)
      throw std::runtime_error("no such OS user: " + opts.user);
    uid = pw.pw_uid;
    gid = pw.pw_gid;
  }

  int out_fd
    = ::open(opts.log_file.empty() ? "/dev/null" : opts.log_file.c_str(),
             O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out_fd < 0)
    throw std::runtime_error("cannot open log file " + opts.log_file + ": "
                             + errno_text(errno));
  int in_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int err_pipe[2];
  if (in_fd < 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    auto err = errno;
    ::close(out_fd);
    if (in_fd >= 0)
      ::close(in_fd);
    throw std::runtime_error("child_process: " + errno_text(err));
  }
  const char* cwd
    = opts.working_dir.empty() ? nullptr : opts.working_dir.c_str();
  pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0) {
    auto err = errno;
    ::close(out_fd);
    ::close(in_fd);
    ::close(err_pipe[0]);
    ::close(err_pipe[1]);
    throw std::runtime_error("fork failed: " + errno_text(err));
  }
  if (pid == 0) {
    // --- child ---
    int ef = err_pipe[1];
    if (::dup2(in_fd, 0) < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(out_fd, 2) < 0)
      child_fail(ef, 0);
    close_other_fds(ef);
    // Default dispositions and an empty mask: exec keeps ignored signals
    // and the mask, and servers must react to SIGTERM/SIGINT.
    for (int sig = 1; sig < NSIG; ++sig)
      if (sig != SIGKILL && sig != SIGSTOP)
        ::signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::setpgid(0, 0) != 0)
      child_fail(ef, 1);
    if (cwd != nullptr && ::chdir(cwd) != 0)
      child_fail(ef, 2);
    if (switch_user) {
      if (::setgroups(1, &gid) != 0)
        child_fail(ef, 3);
      if (::setgid(gid) != 0)
        child_fail(ef, 4);
      if (::setuid(uid) != 0)
        child_fail(ef, 5);
    }
    // After setuid: changing credentials clears the parent-death signal.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
      child_fail(ef, 6);
    if (::getppid() != parent) // the parent died before prctl
      ::_exit(127);
    ::execve(program.c_str(), args.data(), envp.data());
    child_fail(ef, 7);
  }

  // --- parent ---
  ::close(out_fd);
  ::close(in_fd);
  ::close(err_pipe[1]);
  int msg[2] = {0, 0};
  ssize_t n;
  do {
    n = ::read(err_pipe[0], msg, sizeof msg);
  } while (n < 0 && errno == EINTR);
  ::close(err_pipe[0]);
  pid_ = pid;
  exited_ = false;
  status_ = 0;
  log_file_ = opts.log_file;
  if (n > 0) { // exec did not happen
    reap(true);
    pid_ = -1;
    auto step = (msg[0] >= 0 && msg[0] < 8) ? child_steps[msg[0]] : "?";
    throw std::runtime_error("cannot start " + program + ": " + step + ": "
                             + errno_text(msg[1]));
  }
}

bool child_process::reap(bool block) {
  if (pid_ <= 0 || exited_)
    return true;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    exited_ = true;
    status_ = status;
    return true;
  }
  if (r < 0) { // not our child any more (ECHILD): treat as gone
    exited_ = true;
    status_ = 0;
    return true;
  }
  return false;
}

bool child_process::is_running() {
  return pid_ > 0 && !reap(false);
}

void child_process::kill(int signal) {
  if (is_running())
    ::kill(pid_, signal);
}

bool child_process::wait_for(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (is_running()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  return true;
}

int child_process::wait() {
  reap(true);
  if (auto code = exit_code())
    return *code;
  return 128 + term_signal();
}

exit_status child_process::status() {
  exit_status out;
  if (pid_ <= 0 || is_running())
    return out;
  out.exited = true;
  if (auto code = exit_code())
    out.code = *code;
  out.signal = term_signal();
  return out;
}

std::string exit_status::describe() const {
  if (!exited)
    return "still running";
  if (signal != 0)
    return "signal " + std::to_string(signal) + " (" + ::strsignal(signal)
           + ")";
  return "exit code " + std::to_string(code);
}

void child_process::pause() {
  if (is_running())
    ::kill(pid_, SIGSTOP);
}

void child_process::resume() {
  if (is_running())
    ::kill(pid_, SIGCONT);
}

std::optional<int> child_process::exit_code() const {
  if (pid_ <= 0 || !exited_ || !WIFEXITED(status_))
    return std::nullopt;
  return WEXITSTATUS(status_);
}

int child_process::term_signal() const {
  if (pid_ <= 0 || !exited_ || !WIFSIGNALED(status_))
    return 0;
  return WTERMSIG(status_);
}

void child_process::stop(std::chrono::milliseconds grace, int signal) noexcept {
  if (pid_ <= 0)
    return;
  if (!is_running())
    return;
  ::kill(pid_, signal);
  // A stopped child keeps the signal pending until it runs again.
  if (signal != SIGCONT)
    ::kill(pid_, SIGCONT);
  if (!wait_for(grace)) {
    // The group too (it is the child's own, and the child is not reaped
    // yet, so the id cannot have been reused).
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    reap(true);
  }
}

std::string child_process::log_tail(std::size_t max_bytes) const {
  return file_tail(log_file_, max_bytes);
}

std::string file_tail(const std::string& path, std::size_t max_bytes) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return {};
  in.seekg(0, std::ios::end);
  auto size = static_cast<std::size_t>(in.tellg());
  auto from = size > max_bytes ? size - max_bytes : 0;
  in.seekg(static_cast<std::streamoff>(from));
  std::string text(size - from, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

bool port_accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

bool process_alive(int pid) {
  if (pid <= 0)
    return false;
  if (::kill(pid, 0) != 0)
    return errno == EPERM;
  std::ifstream stat{"/proc/" + std::to_string(pid) + "/stat"};
  std::string line;
  if (!std::getline(stat, line))
    return false;
  auto paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size()
         || line[paren + 2] != 'Z';
}

} // namespace sb::test
