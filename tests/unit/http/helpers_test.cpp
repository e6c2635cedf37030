#include "fakes.hpp"

#include "http/auth.hpp"
#include "http/auth_cache.hpp"
#include "http/ingest_handlers.hpp"
#include "http/json_values.hpp"
#include "http/query.hpp"
#include "http/reply.hpp"
#include "http/store_pool.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using namespace sb::app::http;
using namespace std::chrono_literals;

TEST_CASE("times in answers are ISO 8601, or null when unknown",
          "[http][time]") {
  CHECK(json_time(0).is_null());
  CHECK(json_time(1759715049485000) == "2025-10-06T01:44:09.485Z");
}

TEST_CASE("query strings are split and decoded strictly", "[http][query]") {
  query_params p;
  std::string error;
  REQUIRE(parse_query("agent_id=a%20b&call_id=x+y&&flag", p, error));
  REQUIRE(p.size() == 3);
  CHECK(p[0] == std::make_pair(std::string{"agent_id"}, std::string{"a b"}));
  CHECK(p[1] == std::make_pair(std::string{"call_id"}, std::string{"x y"}));
  CHECK(p[2] == std::make_pair(std::string{"flag"}, std::string{}));
  CHECK(find_param(p, "call_id") == std::string{"x y"});
  CHECK_FALSE(find_param(p, "nope"));
  REQUIRE(parse_query("", p, error));
  CHECK(p.empty());
  for (auto bad : {"a=%", "a=%2", "a=%zz", "%g1=x"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_query(bad, p, error));
    CHECK_FALSE(error.empty());
  }
}

TEST_CASE("bearer keys and agent ids", "[http][auth]") {
  CHECK(bearer_key("Bearer abc") == "abc");
  CHECK(bearer_key("bEaReR \t abc  ") == "abc");
  CHECK(bearer_key("Bearer").empty());
  CHECK(bearer_key("Bearer ").empty());
  CHECK(bearer_key("Bearerabc").empty());
  CHECK(bearer_key("Basic abc").empty());
  CHECK(valid_agent_id("a"));
  CHECK(valid_agent_id("Agent_1.v2:eu-west"));
  CHECK(valid_agent_id(std::string(64, 'x')));
  CHECK_FALSE(valid_agent_id(std::string(65, 'x')));
  CHECK_FALSE(valid_agent_id(""));
  CHECK_FALSE(valid_agent_id("-a"));
  CHECK_FALSE(valid_agent_id("a b"));
  CHECK_FALSE(valid_agent_id("a/b"));
  CHECK_FALSE(valid_agent_id("caf\xc3\xa9"));
}

TEST_CASE("the auth cache forgets after its ttl", "[http][auth]") {
  auth_cache cache{50ms, 2};
  CHECK_FALSE(cache.find("k1"));
  cache.insert("k1", {"t1", "admin", "k1"});
  REQUIRE(cache.find("k1"));
  CHECK(cache.find("k1")->tenant_id == "t1");
  CHECK_FALSE(cache.find("k2"));
  // Bounded: a third key does not grow it past max_entries.
  cache.insert("k2", {"t2", "viewer", "k2"});
  cache.insert("k3", {"t3", "viewer", "k3"});
  CHECK(cache.find("k3"));
  std::this_thread::sleep_for(80ms);
  CHECK_FALSE(cache.find("k3"));
  CHECK(key_digest("abc").size() == 32);
  CHECK(key_digest("abc") != key_digest("abd"));
}

TEST_CASE("the store pool reuses stores and drops broken ones",
          "[http][pool]") {
  sb::test::fake_db db;
  store_pool pool{db.factory(), 2};
  caf::error err;
  {
    auto a = pool.acquire(err);
    auto b = pool.acquire(err);
    auto c = pool.acquire(err);
    REQUIRE(a);
    REQUIRE(b);
    REQUIRE(c);
    CHECK(db.stores_made == 3);
  }
  CHECK(pool.idle() == 2); // at most max_idle kept
  {
    auto a = pool.acquire(err);
    CHECK(db.stores_made == 3);
    a.observe(sb::db::make_error(sb::db::db_errc::query_failed, "x"));
  }
  CHECK(pool.idle() == 2); // a rejected statement keeps the connection
  {
    auto a = pool.acquire(err);
    a.observe(sb::db::make_error(sb::db::db_errc::unavailable, "gone"));
  }
  CHECK(pool.idle() == 1);
  db.factory_fails = true;
  auto x = pool.acquire(err); // the idle one
  CHECK(x);
  auto y = pool.acquire(err);
  CHECK_FALSE(y);
  CHECK(err.category() == sb::db::db_category);
}

TEST_CASE("error replies have the documented shape", "[http][reply]") {
  auto r = error_reply(400, "invalid_event", "item 2: type: missing",
                       {{"index", 2}});
  CHECK(r.status == 400);
  CHECK(r.body
        == nlohmann::json{{"error",
                           {{"code", "invalid_event"},
                            {"message", "item 2: type: missing"},
                            {"index", 2}}}});
  nlohmann::json bad = {{"message", std::string{"bad \xff byte"}}};
  CHECK(nlohmann::json::parse(to_body(bad))["message"]
        == "bad \xef\xbf\xbd byte");
  CHECK(std::string{reason_phrase(413)} == "Payload Too Large");
}
