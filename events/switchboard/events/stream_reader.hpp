#pragma once

// Reading a stream in order from a given sequence, without acknowledgements
// (an ephemeral pull consumer): projections and call rehydration use it.

#include "switchboard/events/jetstream.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct __natsSubscription;

namespace sb {

struct stream_message {
  std::uint64_t seq = 0; ///< stream sequence
  /// Messages matching the filter still to come after this one, as the
  /// server counted when it sent it: > 0 means the reader is behind.
  std::uint64_t pending = 0;
  std::string subject;
  std::string data;
};

class stream_reader {
public:
  /// Reads `stream` from `start_seq` (≥ 1), only subjects matching `filter`.
  static std::unique_ptr<stream_reader>
  open(jetstream& js, const std::string& stream, const std::string& filter,
       std::uint64_t start_seq, std::string& error);
  ~stream_reader();
  stream_reader(const stream_reader&) = delete;
  stream_reader& operator=(const stream_reader&) = delete;

  /// Appends up to `max` messages, waiting up to `timeout_ms` when none are
  /// ready. A timeout with nothing new is not an error.
  bool fetch(std::vector<stream_message>& out, int max,
             std::int64_t timeout_ms, std::string& error);

private:
  stream_reader() = default;
  __natsSubscription* sub_ = nullptr;
};

} // namespace sb
