#pragma once

// The ingest service over JetStream: the gateway parses the request, bad
// lines go to SB_DEADLETTER with their reason, and the kept signals go to
// SB_SIGNALS as one message per partition (split if large), each stored
// before the call returns. Stateless: any number may run side by side.

#include "ingest/ingest_service.hpp"
#include "switchboard/events/jetstream.hpp"

#include <cstdint>
#include <memory>

namespace sb::app {

class nats_ingest_service : public ingest_service {
public:
  nats_ingest_service(std::shared_ptr<jetstream> js,
                      std::uint32_t partition_count);

  caf::expected<ingest_report> ingest_pipecat(const ingest_request&) override;

  caf::expected<ingest_report>
  ingest_signals(const std::string& tenant_id, const std::string& agent_id,
                 std::vector<signal> signals) override;

private:
  /// Publishes the signals grouped by partition; fills report.call_ids.
  caf::expected<void> publish(const std::string& tenant_id,
                              const std::string& agent_id,
                              const std::string& source,
                              std::vector<signal>& signals,
                              ingest_report& report);

  std::shared_ptr<jetstream> js_;
  std::uint32_t partition_count_;
};

/// A random RFC 4122 version 4 UUID, for requests that name no call.
[[nodiscard]] std::string make_uuid();

} // namespace sb::app
