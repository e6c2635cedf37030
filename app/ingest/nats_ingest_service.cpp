#include "ingest/nats_ingest_service.hpp"

#include "ingest/dead_letters.hpp"
#include "ingest/ingest_limits.hpp"
#include "ingest/signal_packing.hpp"

#include "gateway/pipecat_parser.hpp"
#include "switchboard/events/partitions.hpp"

#include <caf/error.hpp>
#include <caf/sec.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <unordered_set>

namespace sb::app {

namespace {

/// How long one publish waits for JetStream's acknowledgement. An HTTP
/// thread waits with it, so a request fails soon when NATS is unhealthy.
constexpr std::int64_t publish_timeout_ms = 2000;

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
  : js_(std::move(js)), partition_count_(partition_count) {}

caf::expected<ingest_report>
nats_ingest_service::ingest_pipecat(const ingest_request& req) {
  // Nothing is parsed for a request that cannot be stored now: 503 at once.
  if (!js_->connected())
    return unavailable("NATS is not connected");
  auto limits = limits_for(js_->max_payload());
  gateway::parse_options options;
  options.request_call_id = req.call_id;
  if (req.call_id.empty())
    options.generated_call_id = make_uuid();
  options.max_line_bytes = limits.line_bytes;
  auto parsed = gateway::parse_pipecat(req.body, options);
  ingest_report report;
  report.lines = parsed.totals.lines;
  report.kept = parsed.totals.kept;
  report.dropped = parsed.totals.dropped;
  report.dead_lettered = parsed.totals.dead_lettered;
  if (parsed.used_generated_call_id)
    report.generated_call_id = options.generated_call_id;
  outgoing out;
  auto received = now_us();
  for (auto& dl : parsed.dead_letters) {
    dead_letter_record r;
    r.line = dl.line;
    r.reason = std::move(dl.reason);
    r.raw = std::move(dl.raw);
    r.raw_bytes = dl.raw_bytes;
    out.letters.push_back(std::move(r));
  }
  pack(req.tenant_id, req.agent_id, "pipecat", std::move(parsed.signals),
       limits, report, out);
  // A too-large signal came from a kept line: that line is dead-lettered.
  report.kept -= std::min(report.kept, report.too_large);
  for (auto& r : out.letters) {
    r.source = "pipecat";
    r.tenant_id = req.tenant_id;
    r.agent_id = req.agent_id;
    r.received_at_us = received;
  }
  if (auto ok = store(out, limits); !ok)
    return ok.error();
  return report;
}

caf::expected<ingest_report>
nats_ingest_service::ingest_signals(const std::string& tenant_id,
                                    const std::string& agent_id,
                                    std::vector<signal> signals) {
  if (!js_->connected())
    return unavailable("NATS is not connected");
  auto limits = limits_for(js_->max_payload());
  ingest_report report;
  report.lines = signals.size();
  report.kept = signals.size();
  outgoing out;
  pack(tenant_id, agent_id, "events", std::move(signals), limits, report, out);
  report.kept -= report.too_large;
  auto received = now_us();
  for (auto& r : out.letters) {
    r.source = "events";
    r.tenant_id = tenant_id;
    r.agent_id = agent_id;
    r.received_at_us = received;
  }
  if (auto ok = store(out, limits); !ok)
    return ok.error();
  return report;
}

void nats_ingest_service::pack(const std::string& tenant_id,
                               const std::string& agent_id,
                               const std::string& source,
                               std::vector<signal> signals,
                               const ingest_limits& limits,
                               ingest_report& report, outgoing& out) const {
  std::unordered_set<std::string> seen;
  std::map<std::uint32_t, std::vector<signal>> by_partition;
  for (auto& s : signals) {
    if (seen.insert(s.call_id).second)
      report.call_ids.push_back(s.call_id);
    by_partition[partition_of(s.call_id, partition_count_)].push_back(
      std::move(s));
  }
  for (auto& [partition, list] : by_partition) {
    auto packed = pack_signals(tenant_id, agent_id, source, std::move(list),
                               limits.message_bytes, max_signals_per_message);
    auto subject = signal_subject(partition);
    for (auto& bytes : packed.messages)
      out.messages.push_back(
        {subject, message_id(partition, bytes), std::move(bytes)});
    for (auto& big : packed.too_large) {
      spdlog::info("ingest: call {}: {} signal of line {} takes {} bytes, "
                   "over the {} a message holds: dead-lettered as too_large",
                   big.sig.call_id, to_string(big.sig.kind), big.sig.line,
                   big.bytes, limits.message_bytes);
      out.letters.push_back(
        too_large_letter(big.sig, big.bytes, limits.message_bytes));
      ++report.too_large;
      ++report.dead_lettered;
    }
  }
}

caf::expected<void> nats_ingest_service::store(const outgoing& out,
                                               const ingest_limits& limits) {
  auto publish = [this](const std::string& subject, std::string_view data,
                        const std::string& id) -> caf::expected<void> {
    // While NATS.c reconnects, a publish would only wait for its timeout.
    if (!js_->connected())
      return unavailable("NATS is not connected");
    auto r = js_->publish(subject, data, id, publish_timeout_ms);
    if (!r.ok)
      return unavailable("cannot store on " + subject + ": " + r.error);
    return caf::unit;
  };
  // Dead letters first: if they cannot be kept, the request fails whole.
  for (const auto& letter : out.letters) {
    auto subject = deadletter_subject(letter.source);
    if (auto ok = publish(subject, to_json(letter, limits.message_bytes),
                          "dlq:" + make_uuid());
        !ok)
      return ok.error();
  }
  for (const auto& m : out.messages)
    if (auto ok = publish(m.subject, m.bytes, m.id); !ok)
      return ok.error();
  return caf::unit;
}

} // namespace sb::app
