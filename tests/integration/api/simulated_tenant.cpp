#include "simulated_tenant.hpp"

#include "support/log_files.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>
#include <unistd.h>

namespace sb::test {

using nlohmann::json;

namespace {

spine_options tenant_options() {
  spine_options o;
  o.inactivity_timeout_s = 3; // signal_lost calls end soon
  return o;
}

} // namespace

std::string url_encode(const std::string& s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'
        || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
  return out;
}

simulated_tenant::simulated_tenant(int calls, std::uint64_t seed, double rate)
  : env{tenant_options()} {
  char tmpl[] = "/tmp/sb-api-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::ostringstream cmd;
  cmd << switchboard_binary() << " simulate --calls " << calls
      << " --agents 3 --seed " << seed << " --concurrency 30 --rate " << rate
      << " --out " << dir << "/sim.log --truth " << dir << "/truth.json > "
      << dir << "/files.txt 2> " << dir << "/simulate.err";
  REQUIRE(std::system(cmd.str().c_str()) == 0);
  truth = json::parse(read_file(dir + "/truth.json"));
  env.start_node();
  for (const auto& agent : truth["agents"]) {
    auto id = agent["agent_id"].get<std::string>();
    for (const auto& body :
         log_bodies(read_file(dir + "/sim." + id + ".log"), 5000))
      REQUIRE(env.ingest(body, "agent_id=" + id).status == 202);
  }
  env.wait_until_settled(std::chrono::seconds{120});
}

std::set<std::string>
simulated_tenant::calls(const std::function<bool(const json&)>& keep) const {
  std::set<std::string> out;
  for (const auto& c : truth["calls"])
    if (keep(c))
      out.insert(c["call_id"].get<std::string>());
  return out;
}

json simulated_tenant::page(const std::string& query) {
  auto r = env.get("/v1/conversations?" + query);
  INFO("GET /v1/conversations?" << query << " -> " << r.status << " "
                                << r.body);
  REQUIRE(r.status == 200);
  return r.json();
}

std::vector<std::string>
simulated_tenant::walk(const std::string& query, int limit,
                       const std::function<void(int)>& between_pages) {
  std::vector<std::string> ids;
  std::string cursor;
  for (int n = 1;; ++n) {
    auto q = query + (query.empty() ? "" : "&") + "limit="
             + std::to_string(limit)
             + (cursor.empty() ? "" : "&cursor=" + url_encode(cursor));
    auto p = page(q);
    REQUIRE(p["items"].size() <= static_cast<std::size_t>(limit));
    for (const auto& item : p["items"])
      ids.push_back(item["id"].get<std::string>());
    if (!p["has_more"].get<bool>()) {
      CHECK(p["next_cursor"].is_null());
      return ids;
    }
    REQUIRE(p["next_cursor"].is_string());
    cursor = p["next_cursor"].get<std::string>();
    between_pages(n);
    REQUIRE(n < 1000);
  }
}

std::uint64_t simulated_tenant::total(const std::string& query) {
  return page(query + "&include_total=true&limit=1")["total"]
    .get<std::uint64_t>();
}

} // namespace sb::test
