#pragma once

// A streamed answer's chunks on their way from the producer's thread to the
// I/O thread that writes them. At most `limit` bytes wait: a producer
// faster than its client waits in write(), so an export of any size holds
// a bounded amount of memory. Internal to api_server.cpp (and its tests).

#include "http/reply.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

namespace sb::app::http {

class stream_channel final : public chunk_sink {
public:
  /// `wake` asks the I/O thread to call take() again; it is called with the
  /// channel's lock held, so it must only post.
  stream_channel(std::size_t limit, std::function<void()> wake)
    : limit_(limit), wake_(std::move(wake)) {}

  bool write(std::string chunk) override;
  [[nodiscard]] bool open() const override;

  /// The producer is done: the body is complete, or cut off.
  void finish(bool complete);

  /// The client is gone or the server stops: writes fail from now on.
  void close();

  enum class next { chunk, wait, complete, cut_off };

  /// I/O thread: the next chunk to write (into `out`), or `wait` (wake
  /// will be called when there is more), or how the body ended.
  next take(std::string& out);

private:
  void wake_locked();

  const std::size_t limit_;
  const std::function<void()> wake_;
  mutable std::mutex mtx_;
  std::condition_variable room_;
  std::deque<std::string> queue_;
  std::size_t bytes_ = 0;
  bool closed_ = false;
  bool done_ = false;
  bool complete_ = false;
  /// The I/O thread is writing or will call take(): no wake needed. True
  /// at first: the status line and headers go out before any chunk.
  bool taking_ = true;
};

} // namespace sb::app::http
