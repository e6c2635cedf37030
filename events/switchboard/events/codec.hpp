#pragma once

// Binary encoding of events and signal batches (cereal). Each event is
// written as its envelope, its type tag, the version it was written with,
// and its payload; decoding an older version upcasts it to the current
// struct, so old log entries stay readable forever.

#include "switchboard/events/event.hpp"
#include "switchboard/events/signal.hpp"

#include <string>
#include <string_view>

namespace sb {

[[nodiscard]] std::string encode(const event& e);
[[nodiscard]] std::string encode(const signal_batch& b);

/// Decodes bytes written by encode; on failure returns false and says why.
bool decode(std::string_view bytes, event& out, std::string& error);
bool decode(std::string_view bytes, signal_batch& out, std::string& error);

} // namespace sb
