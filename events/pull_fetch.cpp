#include "pull_fetch.hpp"

#include <algorithm>

namespace sb::detail {

namespace {

/// Moves a fetched list's messages to `out` and frees the list.
void take(natsMsgList& list, std::vector<natsMsg*>& out) {
  for (int i = 0; i < list.Count; ++i) {
    out.push_back(list.Msgs[i]);
    list.Msgs[i] = nullptr;
  }
  natsMsgList_Destroy(&list);
}

} // namespace

natsStatus pull_fetch(natsSubscription* sub, int max, std::int64_t timeout_ms,
                      std::vector<natsMsg*>& out) {
  int queued = 0;
  if (natsSubscription_GetPending(sub, &queued, nullptr) != NATS_OK)
    queued = 0;
  auto before = out.size();
  // Queued messages may include status messages (timeouts, "no messages"),
  // which a fetch drops: count the fetches, not the messages.
  for (int i = 0; i < std::min(queued, max); ++i) {
    natsMsgList one{nullptr, 0};
    auto s = natsSubscription_Fetch(&one, sub, 1, 1, nullptr);
    if (s == NATS_TIMEOUT)
      break;
    if (s != NATS_OK)
      return out.size() > before ? NATS_OK : s;
    take(one, out);
  }
  if (out.size() > before)
    return NATS_OK;
  natsMsgList list{nullptr, 0};
  auto s = natsSubscription_Fetch(&list, sub, max, timeout_ms, nullptr);
  if (s == NATS_OK)
    take(list, out);
  return s;
}

} // namespace sb::detail
