#include "bench_util.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

namespace sb::bench {

std::string flag(int argc, char** argv, const std::string& name,
                 const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (name == argv[i])
      return argv[i + 1];
  return fallback;
}

long long flag_int(int argc, char** argv, const std::string& name,
                   long long fallback) {
  auto v = flag(argc, argv, name, "");
  return v.empty() ? fallback : std::stoll(v);
}

double now_s() {
  return std::chrono::duration<double>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::uint64_t rss_kib(int pid) {
  std::ifstream in{pid == 0 ? std::string{"/proc/self/status"}
                            : "/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream fields{line.substr(6)};
      std::uint64_t kib = 0;
      fields >> kib;
      return kib;
    }
  }
  return 0;
}

double median(std::vector<double> values) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  auto n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int run_shell(const std::string& command, std::string* out) {
  FILE* p = ::popen(command.c_str(), "r");
  if (!p)
    return -1;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
    if (out)
      out->append(buf, n);
  return ::pclose(p);
}

void write_result(const std::string& path, const nlohmann::json& result) {
  auto text = result.dump(2);
  std::cout << text << '\n';
  if (!path.empty()) {
    std::ofstream out{path};
    out << text << '\n';
  }
}

void progress(const std::string& what) {
  static const double start = now_s();
  std::fprintf(stderr, "[%7.1fs] %s\n", now_s() - start, what.c_str());
}

} // namespace sb::bench
