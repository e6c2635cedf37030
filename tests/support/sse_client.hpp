#pragma once

// A Server-Sent Events follower for tests: connects to 127.0.0.1:port,
// sends one GET, and collects the events of the (chunked) answer on a
// thread of its own until stopped or the server closes.

#include "support/http_client.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sb::test {

struct sse_event {
  std::string id; ///< "" if the event had none
  std::string type; ///< "message" if none was given
  std::string data;
};

class sse_client {
public:
  sse_client(std::uint16_t port, const std::string& target,
             const header_list& headers);
  ~sse_client();
  sse_client(const sse_client&) = delete;
  sse_client& operator=(const sse_client&) = delete;

  /// The HTTP status (0 until the header is in).
  [[nodiscard]] int status() const { return status_; }

  /// The events so far.
  [[nodiscard]] std::vector<sse_event> events() const;

  /// The last id seen (events and comments with an id line), as
  /// EventSource keeps it for Last-Event-ID.
  [[nodiscard]] std::string last_id() const;

  /// How many comment lines (": ...") came.
  [[nodiscard]] int comments() const { return comments_; }

  /// Waits until `pred(events())` holds or `timeout` passes.
  template <class Pred>
  bool wait_for(Pred pred, std::chrono::milliseconds timeout) const {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      if (pred(events()))
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return pred(events());
  }

  /// Closes the connection (as a client that goes away) and joins.
  void stop();

private:
  void run();
  void on_text(const std::string& text);

  int fd_ = -1;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> status_{0};
  std::atomic<int> comments_{0};
  mutable std::mutex mtx_;
  std::vector<sse_event> events_;
  std::string last_id_;
  std::string pending_; ///< SSE text not yet ended by a blank line
};

} // namespace sb::test
