#include "switchboard/events/stream_reader.hpp"

#include "pull_fetch.hpp"

#include <nats/nats.h>

namespace sb {

std::unique_ptr<stream_reader>
stream_reader::open(jetstream& js, const std::string& stream,
                    const std::string& filter, std::uint64_t start_seq,
                    std::string& error) {
  std::unique_ptr<stream_reader> self{new stream_reader};
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = stream.c_str();
  so.Config.DeliverPolicy = js_DeliverByStartSequence;
  so.Config.OptStartSeq = start_seq == 0 ? 1 : start_seq;
  so.Config.AckPolicy = js_AckNone;
  so.Config.InactiveThreshold = 60LL * 1'000'000'000; // reap if we vanish
  so.Config.MaxRequestBatch = 0;
  jsErrCode code = static_cast<jsErrCode>(0);
  auto s = js_PullSubscribe(&self->sub_, js.context(), filter.c_str(),
                            nullptr, nullptr, &so, &code);
  if (s != NATS_OK) {
    error = "cannot read " + stream + " (" + filter + "): "
            + nats_error_text(s);
    return nullptr;
  }
  return self;
}

stream_reader::~stream_reader() {
  if (sub_ != nullptr) {
    natsSubscription_Unsubscribe(sub_);
    natsSubscription_Destroy(sub_);
  }
}

bool stream_reader::fetch(std::vector<stream_message>& out, int max,
                          std::int64_t timeout_ms, std::string& error) {
  std::vector<natsMsg*> msgs;
  auto s = detail::pull_fetch(sub_, max, timeout_ms, msgs);
  if (s == NATS_TIMEOUT)
    return true;
  if (s != NATS_OK) {
    error = "fetch failed: " + nats_error_text(s);
    return false;
  }
  for (auto* m : msgs) {
    jsMsgMetaData* meta = nullptr;
    stream_message msg;
    if (natsMsg_GetMetaData(&meta, m) == NATS_OK) {
      msg.seq = meta->Sequence.Stream;
      msg.pending = meta->NumPending;
      jsMsgMetaData_Destroy(meta);
    }
    msg.subject = natsMsg_GetSubject(m);
    msg.data.assign(natsMsg_GetData(m),
                    static_cast<std::size_t>(natsMsg_GetDataLength(m)));
    out.push_back(std::move(msg));
    natsMsg_Destroy(m);
  }
  return true;
}

} // namespace sb
