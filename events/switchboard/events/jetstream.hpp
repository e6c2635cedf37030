#pragma once

// A JetStream connection for Switchboard's streams: creating them, publishing
// (sync and async, always with a Nats-Msg-Id), and the KV bucket of
// partition leases. Thread-safe, like the NATS.c connection under it.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

struct __natsConnection;
struct __jsCtx;
struct __kvStore;

namespace sb {

struct stream_settings {
  std::uint32_t partitions = 64;
  std::int64_t signals_max_age_s = 24 * 3600;
  std::int64_t deadletter_max_age_s = 30 * 24 * 3600;
  std::int64_t dedupe_window_s = 10 * 60; ///< ≥ 5 min (DESIGN.md)
  std::int64_t lease_ttl_ms = 10'000;
};

struct publish_result {
  bool ok = false;
  std::uint64_t seq = 0;  ///< stream sequence stored at
  bool duplicate = false; ///< already stored under this Nats-Msg-Id
  std::string error;
};

class jetstream {
public:
  using ack_callback = std::function<void(const publish_result&)>;

  /// Connects (retrying for a few seconds while the server starts).
  static std::unique_ptr<jetstream> connect(const std::string& url,
                                            const std::string& client_name,
                                            std::string& error);
  ~jetstream();
  jetstream(const jetstream&) = delete;
  jetstream& operator=(const jetstream&) = delete;

  /// Creates SB_SIGNALS, SB_EVENTS, SB_DEADLETTER and the lease bucket if
  /// missing. Existing streams are left as they are.
  bool ensure_streams(const stream_settings& settings, std::string& error);

  /// Publishes and waits for the server's acknowledgement.
  publish_result publish(const std::string& subject, std::string_view data,
                         const std::string& msg_id,
                         std::int64_t timeout_ms = 5000);

  /// Publishes without waiting; `done` runs on a NATS thread once the server
  /// answered or `timeout_ms` passed. Never call back into this object's
  /// publish functions from `done` (schedule that elsewhere).
  void publish_async(const std::string& subject, std::string_view data,
                     const std::string& msg_id, ack_callback done,
                     std::int64_t timeout_ms = 5000);

  /// What a stream holds now.
  struct stream_state {
    std::uint64_t last_seq = 0; ///< 0 if nothing was ever stored
    std::uint64_t messages = 0; ///< for a work queue: not yet acknowledged
  };
  bool state_of(const std::string& stream, stream_state& out,
                std::string& error);

  /// Connected to the server now (not reconnecting, not closed).
  [[nodiscard]] bool connected() const noexcept;

  /// The server's max_payload: the largest message it takes, in bytes
  /// (headers included).
  [[nodiscard]] std::int64_t max_payload() const noexcept;

  /// Waits up to `timeout_ms` until every asynchronous publish has its
  /// answer (stored, refused, or timed out).
  void flush_publishes(std::int64_t timeout_ms);

  [[nodiscard]] __natsConnection* connection() const noexcept { return nc_; }
  [[nodiscard]] __jsCtx* context() const noexcept { return js_; }
  [[nodiscard]] __kvStore* leases() const noexcept { return leases_; }

  /// Called by the NATS.c acknowledgement handler; runs `done`.
  void complete(const std::string& msg_id, const publish_result& result);

private:
  jetstream() = default;

  __natsConnection* nc_ = nullptr;
  __jsCtx* js_ = nullptr;
  /// The lease bucket's own context: a lease operation gives up after a
  /// fraction of the lease TTL, not after the 10 s a publish may wait.
  __jsCtx* lease_js_ = nullptr;
  __kvStore* leases_ = nullptr;
  std::mutex pending_mtx_;
  std::unordered_map<std::string, ack_callback> pending_; ///< by msg id
};

/// "nats: <status text>: <last error>" for the last NATS.c failure.
[[nodiscard]] std::string nats_error_text(int status);

} // namespace sb
