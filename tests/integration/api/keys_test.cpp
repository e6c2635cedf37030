// Keys and roles against a real node: what admin, viewer and ingest keys
// may do (403 for the rest), `keys list` without secrets, and a revoked
// key refused within a second.

#include "spine_env.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace sb::test;
using nlohmann::json;

namespace {

int get_status(spine_env& env, const std::string& key,
               const std::string& target) {
  return env.get_as(key, target).status;
}

int ingest_status(spine_env& env, const std::string& key) {
  json events = json::array();
  events.push_back({{"call_id", "keys-test-call"},
                    {"type", "answered"},
                    {"at", "2026-12-03T10:00:00Z"}});
  return http_request(static_cast<std::uint16_t>(env.node_port()), "POST",
                      "/v1/ingest/events?agent_id=a", events.dump(),
                      bearer(key))
    .status;
}

/// The key's prefix: sb_<prefix>_<secret>.
std::string prefix_of(const std::string& key) {
  return key.substr(3, key.find('_', 3) - 3);
}

} // namespace

TEST_CASE("each role may do what it is for, and nothing else") {
  spine_env env;
  env.start_node();
  auto admin = env.key();
  auto viewer = env.create_key("default", "viewer");
  auto ingest = env.create_key("default", "ingest");
  const char* reads[] = {"/v1/conversations", "/v1/conversations/active",
                         "/v1/analytics/summary", "/v1/analytics/latency",
                         "/v1/conversations/export"};
  for (const auto* target : reads) {
    INFO(target);
    CHECK(get_status(env, admin, target) == 200);
    CHECK(get_status(env, viewer, target) == 200);
    auto refused = env.get_as(ingest, target);
    CHECK(refused.status == 403);
    CHECK(refused.json()["error"]["code"] == "forbidden");
  }
  CHECK(ingest_status(env, admin) == 202);
  CHECK(ingest_status(env, ingest) == 202);
  CHECK(ingest_status(env, viewer) == 403);

  INFO("keys list shows every key by prefix, never a secret");
  auto named = env.run_cli({"keys", "create", "--pg", env.pg_url(),
                            "--tenant", "acme", "--role", "viewer", "--name",
                            "wallboard"});
  auto listed = env.run_cli({"keys", "list", "--pg", env.pg_url()});
  for (const auto& key : {admin, viewer, ingest, named}) {
    CHECK(listed.find(prefix_of(key)) != std::string::npos);
    CHECK(listed.find(key.substr(key.rfind('_') + 1)) == std::string::npos);
  }
  CHECK(listed.find("wallboard") != std::string::npos);
  CHECK(listed.find("ingest") != std::string::npos);
  auto acme = env.run_cli(
    {"keys", "list", "--pg", env.pg_url(), "--tenant", "acme"});
  CHECK(acme.find(prefix_of(named)) != std::string::npos);
  CHECK(acme.find(prefix_of(admin)) == std::string::npos);
  CHECK(env.query_value("select count(*) from api_keys where prefix = '"
                        + prefix_of(viewer) + "' and last_used_at is not null")
        == "1");

  INFO("a revoked key is refused within a second, on a node that had it "
       "cached");
  CHECK(get_status(env, viewer, "/v1/conversations") == 200);
  env.run_cli({"keys", "revoke", "--pg", env.pg_url(), prefix_of(viewer)});
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  CHECK(get_status(env, viewer, "/v1/conversations") == 401);
  CHECK(get_status(env, admin, "/v1/conversations") == 200);
  CHECK_THROWS(env.run_cli(
    {"keys", "revoke", "--pg", env.pg_url(), prefix_of(viewer)}));
}
