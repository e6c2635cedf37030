#include "switchboard/events/fence.hpp"

namespace sb {

bool fence::admit(const event& e, std::uint32_t partition) {
  if (auto* marker = std::get_if<partition_acquired>(&e.payload)) {
    auto& newest = newest_[marker->partition];
    if (marker->epoch > newest)
      newest = marker->epoch;
    return false;
  }
  if (e.env.epoch < epoch(partition)) {
    ++fenced_;
    return false;
  }
  return true;
}

std::uint64_t fence::epoch(std::uint32_t partition) const {
  auto i = newest_.find(partition);
  return i == newest_.end() ? 0 : i->second;
}

} // namespace sb
