#include "ingest/signal_packing.hpp"

#include "switchboard/events/codec.hpp"

#include <utility>

namespace sb::app {

namespace {

/// cereal's binary archive: a string is its 8-byte length and its bytes.
std::size_t string_bytes(const std::string& s) noexcept {
  return 8 + s.size();
}

/// Frame version (1), three strings, the signal count (8).
std::size_t header_bytes(const std::string& tenant_id,
                         const std::string& agent_id,
                         const std::string& source) noexcept {
  return 1 + string_bytes(tenant_id) + string_bytes(agent_id)
         + string_bytes(source) + 8;
}

/// Encodes signals [from, to) as one batch; splits it in halves should the
/// encoding ever come out larger than encoded_size() said (a codec change
/// the unit tests missed), so no message goes out over the limit.
void emit(signal_batch& part, std::vector<signal>& signals, std::size_t from,
          std::size_t to, std::size_t message_bytes, packed_signals& out) {
  part.signals.assign(std::make_move_iterator(signals.begin() + from),
                      std::make_move_iterator(signals.begin() + to));
  auto bytes = encode(part);
  if (bytes.size() <= message_bytes) {
    out.messages.push_back(std::move(bytes));
    return;
  }
  for (std::size_t i = from; i < to; ++i)
    signals[i] = std::move(part.signals[i - from]);
  if (to - from == 1) {
    out.too_large.push_back({std::move(signals[from]), bytes.size()});
    return;
  }
  auto mid = from + (to - from) / 2;
  emit(part, signals, from, mid, message_bytes, out);
  emit(part, signals, mid, to, message_bytes, out);
}

} // namespace

std::size_t encoded_size(const signal& s) noexcept {
  // call_id, kind (1), at_us (8), service, text, detail, value_s (8),
  // prompt, completion tokens and characters (8 each), line (4), cached
  // tokens (8, batch frame 2), language (batch frame 3).
  return string_bytes(s.call_id) + 1 + 8 + string_bytes(s.service)
         + string_bytes(s.text) + string_bytes(s.detail) + 8 + 3 * 8 + 4 + 8
         + string_bytes(s.language);
}

std::size_t encoded_size(const signal_batch& b) noexcept {
  auto n = header_bytes(b.tenant_id, b.agent_id, b.source);
  for (const auto& s : b.signals)
    n += encoded_size(s);
  return n;
}

packed_signals
pack_signals(const std::string& tenant_id, const std::string& agent_id,
             const std::string& source, std::vector<signal> signals,
             std::size_t message_bytes, std::size_t max_signals) {
  packed_signals out;
  signal_batch part;
  part.tenant_id = tenant_id;
  part.agent_id = agent_id;
  part.source = source;
  auto header = header_bytes(tenant_id, agent_id, source);
  if (max_signals == 0)
    max_signals = 1;
  // Oversized signals leave the sequence first; the rest keep their order.
  std::vector<signal> fitting;
  fitting.reserve(signals.size());
  for (auto& s : signals) {
    auto alone = header + encoded_size(s);
    if (alone > message_bytes)
      out.too_large.push_back({std::move(s), alone});
    else
      fitting.push_back(std::move(s));
  }
  std::size_t from = 0, bytes = header;
  for (std::size_t i = 0; i < fitting.size(); ++i) {
    auto size = encoded_size(fitting[i]);
    if (i > from && (bytes + size > message_bytes || i - from == max_signals)) {
      emit(part, fitting, from, i, message_bytes, out);
      from = i;
      bytes = header;
    }
    bytes += size;
  }
  if (from < fitting.size())
    emit(part, fitting, from, fitting.size(), message_bytes, out);
  return out;
}

} // namespace sb::app
