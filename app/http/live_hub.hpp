#pragma once

// The live view's fan-out: the node's feed publishes every live call change
// (read from SB_EVENTS, id = the event's stream sequence) and each
// `/v1/live` stream waits for its tenant's changes after the last id it
// sent. The most recent `keep` changes are kept, so a client reconnecting
// with Last-Event-ID misses nothing if it was away for less than that; a
// client that was away longer is told to start over (a gap).

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace sb::app::http {

struct live_change {
  std::uint64_t id = 0; ///< SB_EVENTS stream sequence
  std::string tenant_id;
  std::string type; ///< call_started, call_state, utterance, call_ended
  std::string data; ///< a JSON object
};

class live_hub {
public:
  static constexpr std::size_t default_keep = 20000;

  explicit live_hub(std::size_t keep = default_keep) : keep_(keep) {}

  /// The feed: a change, ids ascending. Wakes the waiting streams.
  void publish(live_change change);

  /// The feed: nothing was missed up to `id` though no change came (e.g.
  /// events that change nothing live), so streams may move on.
  void advance(std::uint64_t id);

  struct batch {
    std::vector<live_change> changes; ///< the tenant's, ids ascending
    std::uint64_t through = 0; ///< every change up to this id was seen
    bool gap = false; ///< changes after `after` are no longer kept
  };

  /// `tenant`'s changes after `after`, waiting up to `timeout` for one.
  [[nodiscard]] batch wait_after(const std::string& tenant,
                                 std::uint64_t after,
                                 std::chrono::milliseconds timeout);

  /// The last id seen (0: none yet).
  [[nodiscard]] std::uint64_t head() const;

  /// The id before the oldest change kept: a stream may resume from any
  /// id at or after it.
  [[nodiscard]] std::uint64_t oldest_resumable() const;

  /// Whether the feed has started (a stream before that cannot know what
  /// it missed).
  [[nodiscard]] bool started() const;

private:
  const std::size_t keep_;
  mutable std::mutex mtx_;
  std::condition_variable changed_;
  std::deque<live_change> recent_;
  std::uint64_t head_ = 0;
  /// The id before the oldest change kept: changes after it are all here.
  std::uint64_t kept_after_ = 0;
  bool started_ = false;
};

} // namespace sb::app::http
