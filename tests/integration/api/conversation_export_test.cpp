// GET /v1/conversations/export against a real node: CSV and NDJSON of the
// list's filters, streamed in chunks across many keyset pages, every call
// once, each row what the API says of the call.

#include "simulated_tenant.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <sstream>
#include <thread>

using namespace sb::test;
using nlohmann::json;

namespace {

/// The lines of `body` (CRLF or LF ended), without the ends.
std::vector<std::string> lines_of(const std::string& body) {
  std::vector<std::string> out;
  std::istringstream in{body};
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    out.push_back(line);
  }
  return out;
}

/// The first field of a CSV line (ids hold no comma or quote).
std::string first_field(const std::string& line) {
  return line.substr(0, line.find(','));
}

} // namespace

TEST_CASE("an export streams every selected call once, as CSV or NDJSON") {
  simulated_tenant t{20, 20261206, 2};
  // 1,100 more calls of one agent: more rows than one page of the export.
  constexpr int bulk = 1100;
  json events = json::array();
  for (int i = 0; i < bulk; ++i)
    events.push_back({{"call_id", "bulk-" + std::to_string(i)},
                      {"type", "answered"},
                      {"at", "2026-12-03T10:00:00Z"}});
  REQUIRE(sb::test::http_request(
            static_cast<std::uint16_t>(t.env.node_port()), "POST",
            "/v1/ingest/events?agent_id=bulk-bot", events.dump(),
            bearer(t.env.key()))
            .status
          == 202);
  for (int tries = 0; tries < 600; ++tries) {
    if (t.total("agent_id=bulk-bot") == bulk)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(t.total("agent_id=bulk-bot") == bulk);
  auto listed = t.walk("agent_id=bulk-bot", 200);

  {
    INFO("CSV: a header, then one line per call, newest first");
    auto r = t.env.get("/v1/conversations/export?agent_id=bulk-bot");
    REQUIRE(r.status == 200);
    CHECK(r.header("transfer-encoding") == "chunked");
    CHECK(r.header("content-type").rfind("text/csv", 0) == 0);
    CHECK(r.header("content-disposition").find("conversations.csv")
          != std::string::npos);
    auto lines = lines_of(r.body);
    REQUIRE(lines.size() == bulk + 1);
    CHECK(lines[0].rfind("id,agent_id,status,", 0) == 0);
    std::vector<std::string> ids;
    for (std::size_t i = 1; i < lines.size(); ++i)
      ids.push_back(first_field(lines[i]));
    CHECK(ids == listed);
  }
  {
    INFO("NDJSON: each line is the call as GET /v1/conversations/{id} says");
    auto r = t.env.get("/v1/conversations/export?format=ndjson");
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type") == "application/x-ndjson");
    auto lines = lines_of(r.body);
    REQUIRE(lines.size() == bulk + 20);
    std::set<std::string> ids;
    for (const auto& line : lines)
      ids.insert(json::parse(line)["id"].get<std::string>());
    CHECK(ids.size() == lines.size());
    for (std::size_t i : {std::size_t{0}, lines.size() / 2, lines.size() - 1}) {
      auto row = json::parse(lines[i]);
      auto one = t.env.get("/v1/conversations/" + row["id"].get<std::string>());
      REQUIRE(one.status == 200);
      CHECK(one.json() == row);
    }
  }
  {
    INFO("the list's filters and search select the same calls");
    auto completed = t.walk("status=completed", 200);
    auto r = t.env.get(
      "/v1/conversations/export?format=ndjson&status=completed");
    REQUIRE(r.status == 200);
    std::vector<std::string> ids;
    for (const auto& line : lines_of(r.body))
      ids.push_back(json::parse(line)["id"].get<std::string>());
    CHECK(ids == completed);
    auto word = t.truth["calls"][0]["first_user_text"].get<std::string>();
    word = word.substr(0, word.find(' '));
    auto q = "q=" + url_encode(word);
    auto searched = t.walk(q, 200);
    REQUIRE_FALSE(searched.empty());
    auto s = t.env.get("/v1/conversations/export?format=ndjson&" + q);
    CHECK(lines_of(s.body).size() == searched.size());
  }
  {
    INFO("bad input, no key, another tenant");
    auto bad = t.env.get("/v1/conversations/export?format=xlsx");
    CHECK(bad.status == 400);
    CHECK(bad.json()["error"]["parameter"] == "format");
    CHECK(t.env.get("/v1/conversations/export?limit=5").status == 400);
    CHECK(sb::test::http_request(
            static_cast<std::uint16_t>(t.env.node_port()), "GET",
            "/v1/conversations/export")
            .status
          == 401);
    auto other = t.env.create_key("other-tenant", "viewer");
    auto r = t.env.get_as(other, "/v1/conversations/export");
    REQUIRE(r.status == 200);
    CHECK(lines_of(r.body).size() == 1); // the header only
  }
}
