#include "test_server.hpp"

#include <stdexcept>

namespace sb::test {

namespace {

void seed(fake_db& db) {
  db.keys["admin-key-1"] = {"t1", "admin", "admin-ke"};
  db.keys["viewer-key-1"] = {"t1", "viewer", "viewer-k"};
  db.keys["admin-key-2"] = {"t2", "admin", "admin-ke"};
  db::session_record done;
  done.id = "call-1";
  done.tenant_id = "t1";
  done.agent_id = "agent-a";
  done.status = "completed";
  done.end_reason = "user_hangup";
  done.direction = "inbound";
  done.language = "en";
  done.started_at = call_1_start_us;
  done.ended_at = call_1_start_us + 61234000;
  done.duration_ms = 61234;
  done.turn_count = 2;
  done.first_user_text = "Hi, I need a table for two.";
  done.first_agent_text = "Sure, for when?";
  done.interruptions = 1;
  db.sessions.push_back(done);
  db::session_record live;
  live.id = "call-live";
  live.tenant_id = "t1";
  live.agent_id = "agent-a";
  live.status = "active";
  live.started_at = call_1_start_us;
  db.sessions.push_back(live);
  db::session_record other;
  other.id = "call-2";
  other.tenant_id = "t2";
  other.agent_id = "agent-b";
  other.status = "completed";
  db.sessions.push_back(other);
  db::turn_record user;
  user.session_id = "call-1";
  user.tenant_id = "t1";
  user.turn = 1;
  user.speaker = "user";
  user.text = "Hi, I need a table for two.";
  user.started_at = call_1_start_us + 1000000;
  user.ended_at = call_1_start_us + 2500000;
  db.turns.push_back(user);
  db::turn_record agent;
  agent.session_id = "call-1";
  agent.tenant_id = "t1";
  agent.turn = 2;
  agent.speaker = "agent";
  agent.text = "Sure, for when?";
  agent.started_at = call_1_start_us + 3000000;
  agent.interrupted = true;
  db.turns.push_back(agent);
  db::turn_record foreign = user;
  foreign.session_id = "call-2";
  foreign.tenant_id = "t2";
  db.turns.push_back(foreign);
}

} // namespace

test_server::test_server(const tweak_fn& tweak) {
  seed(db);
  app::http::api_config cfg;
  cfg.address = "127.0.0.1";
  cfg.port = 0;
  cfg.threads = 2;
  cfg.stores = db.factory();
  cfg.ingest = &ingest;
  if (tweak)
    tweak(cfg);
  auto bound = server.start(std::move(cfg));
  if (!bound)
    throw std::runtime_error("api_server did not start");
  port = *bound;
}

test_server::~test_server() {
  server.stop();
}

http_response test_server::get(const std::string& target,
                               const std::string& key) {
  return request("GET", target, {}, key.empty() ? header_list{} : bearer(key));
}

http_response test_server::post(const std::string& target,
                                const std::string& body,
                                const std::string& key) {
  return request("POST", target, body,
                 key.empty() ? header_list{} : bearer(key));
}

http_response test_server::request(const std::string& method,
                                   const std::string& target,
                                   const std::string& body,
                                   const header_list& headers) {
  return http_request(port, method, target, body, headers);
}

} // namespace sb::test
