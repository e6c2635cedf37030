#pragma once

// A bare NATS.c JetStream publisher, the ceiling the pipeline is measured
// against: js_PublishAsync (optionally with a Nats-Msg-Id) to a scratch
// stream, then js_PublishAsyncComplete.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sb::bench {

struct publish_stats {
  double seconds = 0;
  std::uint64_t sent = 0;
  std::uint64_t errors = 0; ///< negative or missing acknowledgements
  [[nodiscard]] double per_second() const {
    return seconds > 0 ? static_cast<double>(sent) / seconds : 0;
  }
};

class bare_publisher {
public:
  /// Connects; throws std::runtime_error on failure.
  explicit bare_publisher(const std::string& url, int max_pending = 8192);
  ~bare_publisher();
  bare_publisher(const bare_publisher&) = delete;
  bare_publisher& operator=(const bare_publisher&) = delete;

  /// Creates (or replaces) a file-storage stream on `subjects`, with a
  /// duplicate window of `dedupe_s` seconds (10 minutes, as SB_EVENTS).
  void create_stream(const std::string& name,
                     const std::vector<std::string>& subjects,
                     std::int64_t dedupe_s = 600);
  void delete_stream(const std::string& name);

  /// Publishes messages [from, to): subject(i), msg_id(i) (empty: no
  /// header), `payload_bytes` bytes each; waits for every acknowledgement.
  publish_stats publish(std::uint64_t from, std::uint64_t to,
                        const std::function<std::string(std::uint64_t)>& subject,
                        const std::function<std::string(std::uint64_t)>& msg_id,
                        std::size_t payload_bytes);

private:
  void* nc_ = nullptr;
  void* js_ = nullptr;
};

} // namespace sb::bench
