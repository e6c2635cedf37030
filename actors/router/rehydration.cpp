#include "router/rehydration.hpp"

#include "switchboard/events/codec.hpp"
#include "switchboard/events/partitions.hpp"
#include "switchboard/events/stream_reader.hpp"

#include <spdlog/spdlog.h>

namespace sb::router {

void partition_fold::apply(const event& e) {
  if (!fence_.admit(e, partition_))
    return; // a marker, or written by an owner that had lost the partition
  auto& group = open_groups_[e.env.call_id];
  if (e.env.group_index == 0)
    group.clear(); // a new decision; an unfinished one was decided again
  else if (e.env.group_index != group.size())
    return; // not the next of its group: a repeat of a part already read
  group.push_back(e);
  if (group.size() < e.env.group_size)
    return;
  auto& st = calls_[e.env.call_id];
  for (const auto& member : group)
    st.apply(member);
  open_groups_.erase(e.env.call_id);
}

rehydrated_partition partition_fold::finish(std::uint64_t epoch) && {
  rehydrated_partition out;
  out.partition = partition_;
  out.epoch = epoch;
  for (auto& [id, st] : calls_) {
    if (st.ended())
      out.ended.push_back(trimmed(std::move(st)));
    else
      out.live.push_back(std::move(st));
  }
  return out;
}

call::call_state trimmed(call::call_state st) {
  call::call_state small;
  small.tenant_id = std::move(st.tenant_id);
  small.call_id = std::move(st.call_id);
  small.agent_id = std::move(st.agent_id);
  small.seq = st.seq;
  small.status = st.status;
  small.end_reason = std::move(st.end_reason);
  small.started_at = st.started_at;
  small.last_line_at = st.last_line_at;
  small.last_position = st.last_position;
  small.last_event_at = st.last_event_at;
  small.hashes_at_last_event = std::move(st.hashes_at_last_event);
  return small;
}

bool rehydrate(jetstream& js, std::uint32_t partition,
               const rehydration_range& range, std::uint64_t epoch,
               rehydrated_partition& out, std::string& error) {
  auto marker_seq = range.marker_seq;
  auto reader
    = stream_reader::open(js, events_stream, event_subject(partition),
                          std::max<std::uint64_t>(range.from_seq, 1), error);
  if (!reader)
    return false;
  partition_fold fold{partition, range.epoch_before};
  std::uint64_t last_seq = 0;
  int idle_fetches = 0;
  std::vector<stream_message> batch;
  while (last_seq < marker_seq) {
    batch.clear();
    if (!reader->fetch(batch, 1024, 1000, error))
      return false;
    if (batch.empty()) {
      if (++idle_fetches == 10) {
        error = "partition " + std::to_string(partition)
                + ": the event log ended before the owner's marker";
        return false;
      }
      continue;
    }
    idle_fetches = 0;
    for (auto& msg : batch) {
      last_seq = msg.seq;
      if (msg.seq > marker_seq)
        break; // past our marker: written after we took over
      event e;
      std::string why;
      if (!decode(msg.data, e, why)) {
        spdlog::error("rehydration: partition {} seq {} unreadable: {}",
                      partition, msg.seq, why);
        continue;
      }
      fold.apply(e);
    }
  }
  if (fold.fenced() > 0)
    spdlog::warn("rehydration: partition {}: ignored {} fenced events",
                 partition, fold.fenced());
  out = std::move(fold).finish(epoch);
  return true;
}

} // namespace sb::router
