#pragma once

// The ingest service over JetStream: the gateway parses the request, bad
// lines go to SB_DEADLETTER with their reason, and the kept signals go to
// SB_SIGNALS as one message per partition, split by bytes under the
// server's max_payload (ingest_limits.hpp), each stored before the call
// returns. A signal too large for any message is dead-lettered as
// too_large. Fails fast (503) while NATS is disconnected. Stateless: any
// number may run side by side, and one may serve many threads.

#include "ingest/dead_letters.hpp"
#include "ingest/ingest_limits.hpp"
#include "ingest/ingest_service.hpp"
#include "switchboard/events/jetstream.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

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
  struct message {
    std::string subject;
    std::string id; ///< Nats-Msg-Id
    std::string bytes;
  };

  /// What one request stores: its dead letters, then its signal messages.
  struct outgoing {
    std::vector<dead_letter_record> letters;
    std::vector<message> messages;
  };

  /// Groups the signals by partition and packs them into messages; fills
  /// report.call_ids and counts too-large signals (their letters join out).
  void pack(const std::string& tenant_id, const std::string& agent_id,
            const std::string& source, std::vector<signal> signals,
            const ingest_limits& limits, ingest_report& report,
            outgoing& out) const;

  /// Publishes everything, waiting for each acknowledgement.
  caf::expected<void> store(const outgoing& out, const ingest_limits& limits);

  std::shared_ptr<jetstream> js_;
  std::uint32_t partition_count_;
};

/// A random RFC 4122 version 4 UUID, for requests that name no call.
[[nodiscard]] std::string make_uuid();

} // namespace sb::app
