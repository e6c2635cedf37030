#include "fakes.hpp"

#include <caf/sec.hpp>

#include <stdexcept>

namespace sb::test {

void gate::shut() {
  std::lock_guard<std::mutex> guard{mtx_};
  shut_ = true;
}

void gate::open() {
  std::lock_guard<std::mutex> guard{mtx_};
  shut_ = false;
  cv_.notify_all();
}

void gate::pass() {
  std::unique_lock<std::mutex> guard{mtx_};
  ++held_;
  cv_.notify_all();
  cv_.wait_for(guard, std::chrono::seconds{30}, [this] { return !shut_; });
  --held_;
}

bool gate::wait_held(int n) {
  std::unique_lock<std::mutex> guard{mtx_};
  return cv_.wait_for(guard, std::chrono::seconds{10},
                      [this, n] { return held_ >= n; });
}

std::function<caf::expected<std::unique_ptr<db::store>>()> fake_db::factory() {
  return [this]() -> caf::expected<std::unique_ptr<db::store>> {
    if (factory_fails)
      return db::make_error(db::db_errc::unavailable, "connection refused");
    ++stores_made;
    return std::unique_ptr<db::store>{std::make_unique<fake_store>(this)};
  };
}

fake_store::fake_store(fake_db* data) : data_(data) {
  // nop
}

bool fake_store::should_fail() {
  auto n = data_->fail_next_calls.load();
  while (n > 0)
    if (data_->fail_next_calls.compare_exchange_weak(n, n - 1))
      return true;
  return false;
}

caf::expected<db::checkpoint> fake_store::load_checkpoint(const std::string&) {
  return db::checkpoint{};
}

caf::expected<std::vector<db::session_record>>
fake_store::load_sessions(const std::vector<std::string>&) {
  return std::vector<db::session_record>{};
}

caf::expected<std::vector<db::turn_record>>
fake_store::load_last_turns(const std::vector<std::string>&) {
  return std::vector<db::turn_record>{};
}

caf::expected<void> fake_store::commit(const db::projection_batch&) {
  return caf::unit;
}

caf::expected<std::optional<db::session_record>>
fake_store::find_session(const std::string& tenant_id, const std::string& id) {
  ++data_->find_calls;
  data_->find_gate.pass();
  auto n = data_->throw_next_calls.load();
  while (n > 0)
    if (data_->throw_next_calls.compare_exchange_weak(n, n - 1))
      throw std::runtime_error("the fake store throws");
  if (should_fail())
    return db::make_error(db::db_errc::unavailable, "connection lost");
  std::lock_guard<std::mutex> guard{data_->mtx};
  for (const auto& s : data_->sessions)
    if (s.tenant_id == tenant_id && s.id == id)
      return std::optional<db::session_record>{s};
  return std::optional<db::session_record>{};
}

caf::expected<std::vector<db::turn_record>>
fake_store::transcript(const std::string& tenant_id, const std::string& id) {
  if (should_fail())
    return db::make_error(db::db_errc::unavailable, "connection lost");
  std::lock_guard<std::mutex> guard{data_->mtx};
  std::vector<db::turn_record> out;
  for (const auto& t : data_->turns)
    if (t.tenant_id == tenant_id && t.session_id == id)
      out.push_back(t);
  return out;
}

caf::expected<bool> fake_store::ensure_tenant(const std::string&) {
  return false;
}

caf::expected<std::string> fake_store::create_api_key(const std::string&,
                                                      const std::string&,
                                                      const std::string&) {
  return db::make_error(db::db_errc::invalid_argument, "not in the fake");
}

caf::expected<std::optional<db::principal>>
fake_store::authenticate(const std::string& plain_key) {
  ++data_->authenticate_calls;
  if (should_fail())
    return db::make_error(db::db_errc::unavailable, "connection lost");
  std::lock_guard<std::mutex> guard{data_->mtx};
  auto i = data_->keys.find(plain_key);
  if (i == data_->keys.end())
    return std::optional<db::principal>{};
  return std::optional<db::principal>{i->second};
}

caf::expected<app::ingest_report>
fake_ingest::ingest_pipecat(const app::ingest_request& req) {
  hold.pass();
  std::lock_guard<std::mutex> guard{mtx};
  pipecat_calls.push_back(
    {req.tenant_id, req.agent_id, req.call_id, std::string{req.body}});
  if (fail)
    return caf::make_error(caf::sec::runtime_error, "jetstream down");
  return report;
}

caf::expected<app::ingest_report>
fake_ingest::ingest_signals(const std::string& tenant_id,
                            const std::string& agent_id,
                            std::vector<signal> signals) {
  hold.pass();
  std::lock_guard<std::mutex> guard{mtx};
  auto n = signals.size();
  signals_calls.push_back({tenant_id, agent_id, std::move(signals)});
  if (fail)
    return caf::make_error(caf::sec::runtime_error, "jetstream down");
  auto r = report;
  r.lines = n;
  r.kept = n;
  return r;
}

} // namespace sb::test
