#include "ingest/nats_ingest_service.hpp"

#include "gateway/pipecat_parser.hpp"
#include "switchboard/events/codec.hpp"
#include "switchboard/events/partitions.hpp"

#include <caf/error.hpp>
#include <caf/sec.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <unordered_set>

namespace sb::app {

namespace {

/// Keeps one SB_SIGNALS message well under the stream's 8 MiB limit.
constexpr std::size_t max_signals_per_message = 2000;

caf::error unavailable(const std::string& why) {
  return caf::make_error(caf::sec::runtime_error, why);
}

std::int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch())
    .count();
}

/// The Nats-Msg-Id of a signal message: its content, so that a retried
/// request inside the dedupe window stores nothing twice.
std::string message_id(std::uint32_t partition, const std::string& bytes) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "sig:%u:%016llx:%zu", partition,
                static_cast<unsigned long long>(fnv1a64(bytes)), bytes.size());
  return buf;
}

} // namespace

std::string make_uuid() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  auto hi = rng(), lo = rng();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL; // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL; // variant
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(hi >> 32),
                static_cast<unsigned long long>((hi >> 16) & 0xffff),
                static_cast<unsigned long long>(hi & 0xffff),
                static_cast<unsigned long long>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

nats_ingest_service::nats_ingest_service(std::shared_ptr<jetstream> js,
                                         std::uint32_t partition_count)
  : js_(std::move(js)), partition_count_(partition_count) {
}

caf::expected<ingest_report>
nats_ingest_service::ingest_pipecat(const ingest_request& req) {
  gateway::parse_options options;
  options.request_call_id = req.call_id;
  if (req.call_id.empty())
    options.generated_call_id = make_uuid();
  auto parsed = gateway::parse_pipecat(req.body, options);
  ingest_report report;
  report.lines = parsed.totals.lines;
  report.kept = parsed.totals.kept;
  report.dropped = parsed.totals.dropped;
  report.dead_lettered = parsed.totals.dead_lettered;
  if (parsed.used_generated_call_id)
    report.generated_call_id = options.generated_call_id;
  // Dead letters first: if they cannot be kept, the request fails whole.
  auto received = now_us();
  for (const auto& dl : parsed.dead_letters) {
    nlohmann::json j{{"source", "pipecat"},       {"tenant_id", req.tenant_id},
                     {"agent_id", req.agent_id},  {"line", dl.line},
                     {"reason", dl.reason},       {"raw", dl.raw},
                     {"received_at_us", received}};
    auto id = "dlq:" + make_uuid();
    auto r = js_->publish(deadletter_subject("pipecat"), j.dump(), id);
    if (!r.ok)
      return unavailable("cannot dead-letter line " + std::to_string(dl.line)
                         + ": " + r.error);
  }
  if (auto ok = publish(req.tenant_id, req.agent_id, "pipecat",
                        parsed.signals, report);
      !ok)
    return ok.error();
  return report;
}

caf::expected<ingest_report>
nats_ingest_service::ingest_signals(const std::string& tenant_id,
                                    const std::string& agent_id,
                                    std::vector<signal> signals) {
  ingest_report report;
  report.lines = signals.size();
  report.kept = signals.size();
  if (auto ok = publish(tenant_id, agent_id, "events", signals, report); !ok)
    return ok.error();
  return report;
}

caf::expected<void>
nats_ingest_service::publish(const std::string& tenant_id,
                             const std::string& agent_id,
                             const std::string& source,
                             std::vector<signal>& signals,
                             ingest_report& report) {
  std::unordered_set<std::string> seen;
  std::map<std::uint32_t, signal_batch> by_partition;
  for (auto& s : signals) {
    if (seen.insert(s.call_id).second)
      report.call_ids.push_back(s.call_id);
    auto& batch = by_partition[partition_of(s.call_id, partition_count_)];
    batch.signals.push_back(std::move(s));
  }
  for (auto& [partition, batch] : by_partition) {
    auto subject = signal_subject(partition);
    for (std::size_t from = 0; from < batch.signals.size();
         from += max_signals_per_message) {
      signal_batch part;
      part.tenant_id = tenant_id;
      part.agent_id = agent_id;
      part.source = source;
      auto to = std::min(batch.signals.size(), from + max_signals_per_message);
      part.signals.assign(batch.signals.begin() + from,
                          batch.signals.begin() + to);
      auto bytes = encode(part);
      auto r = js_->publish(subject, bytes, message_id(partition, bytes));
      if (!r.ok)
        return unavailable("cannot store signals on " + subject + ": "
                           + r.error);
    }
  }
  return caf::unit;
}

} // namespace sb::app
