#include "switchboard/events/partition_consumer.hpp"

#include "switchboard/events/partitions.hpp"

#include "pull_fetch.hpp"

#include <nats/nats.h>

namespace sb {

namespace {

constexpr std::int64_t ns_per_s = 1'000'000'000;

std::string durable_name(std::uint32_t partition) {
  return "sb_router_" + std::to_string(partition);
}

} // namespace

signal_delivery::signal_delivery(natsMsg* msg,
                                 std::shared_ptr<natsSubscription> sub)
  : sub_(std::move(sub)), msg_(msg, natsMsg_Destroy) {
  jsMsgMetaData* meta = nullptr;
  if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
    seq_ = meta->Sequence.Stream;
    count_ = meta->NumDelivered;
    pending_ = meta->NumPending;
    jsMsgMetaData_Destroy(meta);
  }
}

std::string_view signal_delivery::data() const noexcept {
  if (!msg_)
    return {};
  return {natsMsg_GetData(msg_.get()),
          static_cast<std::size_t>(natsMsg_GetDataLength(msg_.get()))};
}

bool signal_delivery::ack() const {
  return msg_ && natsMsg_Ack(msg_.get(), nullptr) == NATS_OK;
}

std::unique_ptr<partition_consumer>
partition_consumer::open(jetstream& js, std::uint32_t partition,
                         std::string& error) {
  std::unique_ptr<partition_consumer> self{new partition_consumer};
  self->partition_ = partition;
  auto durable = durable_name(partition);
  // A fresh consumer delivers every message still in the work queue,
  // including those the previous owner took but never acknowledged.
  js_DeleteConsumer(js.context(), signals_stream, durable.c_str(), nullptr,
                    nullptr);
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = signals_stream;
  so.Config.Durable = durable.c_str();
  so.Config.DeliverPolicy = js_DeliverAll;
  so.Config.AckPolicy = js_AckExplicit;
  // A call acknowledges a batch once its events are stored; a quiet call
  // may hold one for up to its inactivity timeout.
  so.Config.AckWait = 15 * 60 * ns_per_s;
  so.Config.MaxAckPending = 50'000;
  so.Config.MaxDeliver = -1;
  auto subject = signal_subject(partition);
  jsErrCode code = static_cast<jsErrCode>(0);
  natsSubscription* sub = nullptr;
  auto s = js_PullSubscribe(&sub, js.context(), subject.c_str(),
                            durable.c_str(), nullptr, &so, &code);
  if (s != NATS_OK) {
    error = "cannot consume " + subject + ": " + nats_error_text(s);
    return nullptr;
  }
  // natsSubscription_Destroy keeps the durable for the next owner.
  self->sub_.reset(sub, natsSubscription_Destroy);
  return self;
}

partition_consumer::~partition_consumer() = default;

bool partition_consumer::fetch(std::vector<signal_delivery>& out, int max,
                               std::int64_t timeout_ms, std::string& error) {
  std::vector<natsMsg*> msgs;
  auto s = detail::pull_fetch(sub_.get(), max, timeout_ms, msgs);
  if (s == NATS_TIMEOUT)
    return true;
  if (s != NATS_OK) {
    error = "fetch from partition " + std::to_string(partition_)
            + " failed: " + nats_error_text(s);
    return false;
  }
  for (auto* m : msgs)
    out.emplace_back(m, sub_); // owned by the delivery now
  return true;
}

} // namespace sb
