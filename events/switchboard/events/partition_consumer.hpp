#pragma once

// The durable consumer of one SB_SIGNALS partition, owned by one node at a
// time. Messages stay in the stream until acknowledged; a new owner
// recreates the consumer so that whatever the previous one left
// unacknowledged is delivered again at once (docs/adr/0002).

#include "switchboard/events/jetstream.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct __natsSubscription;
struct __natsMsg;

namespace sb {

/// One delivered SB_SIGNALS message; ack() removes it from the stream.
/// A delivery keeps its subscription alive: NATS.c's natsMsg_Ack reads the
/// subscription it came from, so a message acknowledged after its
/// subscription was destroyed touched freed memory (a SIGSEGV on shutdown).
class signal_delivery {
public:
  signal_delivery() = default;
  signal_delivery(__natsMsg* msg, std::shared_ptr<__natsSubscription> sub);

  [[nodiscard]] std::uint64_t stream_seq() const noexcept { return seq_; }
  [[nodiscard]] std::uint64_t delivered() const noexcept { return count_; }
  /// Messages the consumer still had to deliver after this one.
  [[nodiscard]] std::uint64_t pending() const noexcept { return pending_; }
  [[nodiscard]] std::string_view data() const noexcept;
  bool ack() const;

private:
  std::shared_ptr<__natsSubscription> sub_; ///< before msg_: outlives it
  std::shared_ptr<__natsMsg> msg_;
  std::uint64_t seq_ = 0;
  std::uint64_t count_ = 0;
  std::uint64_t pending_ = 0;
};

class partition_consumer {
public:
  /// Deletes any previous consumer of the partition and creates a fresh one.
  static std::unique_ptr<partition_consumer>
  open(jetstream& js, std::uint32_t partition, std::string& error);
  ~partition_consumer();
  partition_consumer(const partition_consumer&) = delete;
  partition_consumer& operator=(const partition_consumer&) = delete;

  bool fetch(std::vector<signal_delivery>& out, int max,
             std::int64_t timeout_ms, std::string& error);

  [[nodiscard]] std::uint32_t partition() const noexcept { return partition_; }

private:
  partition_consumer() = default;
  /// Destroyed when the consumer and every delivery from it are gone.
  std::shared_ptr<__natsSubscription> sub_;
  std::uint32_t partition_ = 0;
};

} // namespace sb
