#include "support/log_files.hpp"

#include <fstream>
#include <iterator>

namespace sb::test {

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

std::vector<std::string> log_bodies(const std::string& log,
                                    std::size_t lines) {
  std::vector<std::string> out;
  std::string body;
  std::size_t n = 0;
  std::size_t at = 0;
  while (at < log.size()) {
    auto end = log.find('\n', at);
    if (end == std::string::npos)
      end = log.size();
    bool record = log[at] >= '0' && log[at] <= '9';
    if (n >= lines && record) {
      out.push_back(std::move(body));
      body.clear();
      n = 0;
    }
    body.append(log, at, end - at + 1);
    ++n;
    at = end + 1;
  }
  if (!body.empty())
    out.push_back(std::move(body));
  return out;
}

} // namespace sb::test
