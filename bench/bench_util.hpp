#pragma once

// Helpers shared by the benchmark programs: command-line flags, clocks,
// resident memory, medians and the JSON result file bench/report reads.
//
// A result file is {"bench": name, "params": {...}, "runs": [{metric: value,
// ...}, ...], "notes": [...]}; bench/report prints the median of every
// metric over the runs of every file of a bench.

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace sb::bench {

/// `--name value` from argv, or `fallback`.
[[nodiscard]] std::string flag(int argc, char** argv, const std::string& name,
                               const std::string& fallback);
[[nodiscard]] long long flag_int(int argc, char** argv,
                                 const std::string& name, long long fallback);

/// Seconds on the monotonic clock.
[[nodiscard]] double now_s();

/// CPU seconds used by the calling thread.
[[nodiscard]] double thread_cpu_s();

/// VmRSS of a process in KiB (pid 0: ourselves); 0 if unknown.
[[nodiscard]] std::uint64_t rss_kib(int pid = 0);

[[nodiscard]] double median(std::vector<double> values);

/// Runs a shell command, returns its exit status; stdout into `out`.
int run_shell(const std::string& command, std::string* out = nullptr);

/// Writes `result` (pretty) to `path`; prints it to stdout too.
void write_result(const std::string& path, const nlohmann::json& result);

/// Prints a progress line to stderr with the elapsed time.
void progress(const std::string& what);

} // namespace sb::bench
