#include "switchboard/events/partitions.hpp"

namespace sb {

std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t seed) noexcept {
  std::uint64_t h = seed;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::uint32_t partition_of(std::string_view call_id,
                           std::uint32_t count) noexcept {
  return count == 0 ? 0 : static_cast<std::uint32_t>(fnv1a64(call_id) % count);
}

std::string signal_subject(std::uint32_t partition) {
  return "sb.sig." + std::to_string(partition);
}

std::string event_subject(std::uint32_t partition) {
  return "sb.evt." + std::to_string(partition);
}

std::string deadletter_subject(std::string_view source) {
  return "sb.dlq." + std::string{source};
}

} // namespace sb
